#pragma once

#include <filesystem>

#include "lab/config.hpp"
#include "lab/progress.hpp"
#include "util/error.hpp"

namespace forja::lab {

// The rpm-family lab hosts boot the Debian host image with one more layer on top, which holds
// only what differs: Debian's dnf, rpm, createrepo-c and firewalld installed, an os-release of
// the rhel family, a dnf repository configuration. The layer and the dnf repository of test
// packages (rpm_files.hpp) are built together, once, and rebuilt when the image underneath or
// what they are made of changes; never while an rpm host runs.
//
// CACHE/rpm/image/{layer,repo,stamp}; CACHE/rpm/root is where the layer over the host image is
// mounted (overlayfs, read-only) while rpm hosts run: systemd-nspawn boots it like the plain
// image, with its own volatile overlay on top.
struct RpmPaths {
  std::filesystem::path dir;  // CACHE/rpm

  [[nodiscard]] std::filesystem::path image() const { return dir / "image"; }
  [[nodiscard]] std::filesystem::path layer() const { return image() / "layer"; }
  [[nodiscard]] std::filesystem::path repo() const { return image() / "repo"; }
  [[nodiscard]] std::filesystem::path stamp() const { return image() / "stamp"; }
  [[nodiscard]] std::filesystem::path root() const { return dir / "root"; }
};
[[nodiscard]] RpmPaths rpm_paths(const LabPaths& paths);

// Whether the layer and repository exist and fit the host image and forja in place.
[[nodiscard]] bool rpm_image_current(const LabPaths& paths);
[[nodiscard]] bool rpm_image_exists(const LabPaths& paths);

// Build the layer and the dnf repository (needs the host image and the network to Debian's
// archive for packages the download pool lacks). Only while no rpm host runs.
[[nodiscard]] Result<void> build_rpm_image(const LabPaths& paths, const Progress& progress);

// Mount the layer over the host image at root() unless it is mounted so already.
[[nodiscard]] Result<void> mount_rpm_root(const LabPaths& paths);
// Unmount root() if it is mounted (no rpm host may run).
[[nodiscard]] Result<void> unmount_rpm_root(const LabPaths& paths);

}  // namespace forja::lab

#pragma once

#include <set>
#include <string>

#include "util/error.hpp"

namespace forja {

// Handlers owed to a host, kept on the controller so that a notification survives a failed
// run: recorded the moment the change that caused it succeeds, cleared only when the handler
// succeeds (PEERS.md 3). One small file per host, replaced atomically.
class NotifyStore {
 public:
  NotifyStore(std::string dir, std::string host);

  [[nodiscard]] std::set<std::string> owed() const;
  [[nodiscard]] Result<void> add(const std::string& handler_id);
  [[nodiscard]] Result<void> clear(const std::string& handler_id);

 private:
  [[nodiscard]] Result<void> write(const std::set<std::string>& ids) const;
  std::string m_path;
};

// The default directory for run state: $FORJA_STATE_DIR, else $XDG_STATE_HOME/forja, else
// ~/.local/state/forja; one subdirectory per playbook.
[[nodiscard]] std::string default_state_dir(const std::string& playbook_path);

}  // namespace forja

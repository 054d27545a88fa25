#pragma once

#include <set>
#include <string>

#include "util/error.hpp"

namespace forja {

// Handlers owed to a host, kept on the controller so that a notification survives a failed
// run: recorded the moment the change that caused it succeeds, cleared only when the handler
// succeeds (PEERS.md 3). One small file per host (0600, in a 0700 directory), replaced
// atomically; it holds the sha256 of each handler id, so an id with a newline is one entry
// and nothing a template put into an id (a secret) is written to disk.
class NotifyStore {
 public:
  NotifyStore(std::string dir, std::string host);

  [[nodiscard]] bool owes(const std::string& handler_id) const;
  [[nodiscard]] bool empty() const;
  [[nodiscard]] Result<void> add(const std::string& handler_id);
  [[nodiscard]] Result<void> clear(const std::string& handler_id);

 private:
  [[nodiscard]] std::set<std::string> read() const;
  [[nodiscard]] Result<void> write(const std::set<std::string>& keys) const;
  std::string m_dir;
  std::string m_path;
};

// The default directory for run state: $FORJA_STATE_DIR, else $XDG_STATE_HOME/forja, else
// ~/.local/state/forja; one subdirectory per playbook.
[[nodiscard]] std::string default_state_dir(const std::string& playbook_path);

}  // namespace forja

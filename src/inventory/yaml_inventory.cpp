// The YAML inventory: top-level `defaults`, `hosts`, `groups` (see ARCHITECTURE.md / docs).
#include "inventory/load.hpp"
#include "inventory/raw.hpp"
#include "util/yaml.hpp"

namespace forja {

namespace {

const std::vector<std::string> k_connection_keys = {
    "port",           "user",   "key",         "known_hosts",
    "password_env",   "become", "become_user", "become_password_env",
    "connect_timeout"};

std::vector<std::string> with(std::vector<std::string> keys,
                              std::initializer_list<const char*> more) {
  for (const char* k : more) keys.emplace_back(k);
  return keys;
}

class YamlInventoryReader {
 public:
  explicit YamlInventoryReader(const YamlDoc& doc) : m_doc(doc) {}

  Result<RawInventory> read() {
    RawInventory raw;
    raw.path = m_doc.path();
    raw.lines = m_doc.lines();
    raw.hosts_where = SourceLocation{m_doc.path(), 1, 1};
    const YAML::Node& root = m_doc.root();
    if (root.IsNull()) {
      return m_doc.error(root, "the inventory is empty; it needs at least 'hosts:'");
    }
    if (!root.IsMap()) {
      return m_doc.error(root,
                         "an inventory is a mapping with 'hosts:' (and optionally "
                         "'defaults:' and 'groups:')");
    }
    if (auto r = m_doc.check_keys(root, {"defaults", "hosts", "groups"}, "the inventory"); !r)
      return std::unexpected(r.error());

    const YAML::Node defaults = lookup(root, "defaults");
    if (auto r = m_doc.check_keys(defaults, with(k_connection_keys, {"vars"}), "'defaults'"); !r)
      return std::unexpected(hint_address(defaults, r.error()));
    if (auto r = settings(defaults, raw.defaults); !r) return std::unexpected(r.error());
    if (auto r = vars(defaults, raw.vars); !r) return std::unexpected(r.error());

    const YAML::Node hosts = lookup(root, "hosts");
    if (hosts.IsDefined()) raw.hosts_where = m_doc.where(hosts);
    if (auto r = m_doc.require_map(hosts, "'hosts'"); !r) return std::unexpected(r.error());
    if (hosts.IsMap()) {
      for (const auto& kv : hosts) {
        auto h = host(kv.first, kv.second);
        if (!h) return std::unexpected(h.error());
        raw.hosts.push_back(std::move(*h));
      }
    }

    const YAML::Node groups = lookup(root, "groups");
    if (auto r = m_doc.require_map(groups, "'groups'"); !r) return std::unexpected(r.error());
    if (groups.IsMap()) {
      for (const auto& kv : groups) {
        auto g = group(kv.first, kv.second);
        if (!g) return std::unexpected(g.error());
        raw.groups.push_back(std::move(*g));
      }
    }
    return raw;
  }

 private:
  // `address` is a per-host setting; say so instead of a bare "unknown key".
  Error hint_address(const YAML::Node& map, Error e) const {
    YAML::Node address = lookup(map, "address");
    if (address.IsDefined() && map.IsMap()) {
      for (const auto& kv : map) {
        if (kv.first.Scalar() == "address") {
          return m_doc.error(kv.first, "'address' belongs on a host entry, not here").error();
        }
      }
    }
    return e;
  }

  Result<RawHost> host(const YAML::Node& key, const YAML::Node& value) {
    RawHost h;
    h.name = key.Scalar();
    h.where = m_doc.where(key);
    const std::string context = "host '" + h.name + "'";
    if (value.IsDefined() && !value.IsNull() && !value.IsMap()) {
      return m_doc.error(value, context + " must be a mapping, e.g. '" + h.name +
                                    ": {address: 10.0.0.11}', not " +
                                    (value.IsScalar() ? "'" + value.Scalar() + "'" : "a list"));
    }
    if (auto r = m_doc.check_keys(value, with(k_connection_keys, {"address", "vars"}), context); !r)
      return std::unexpected(r.error());
    if (auto r = settings(value, h.settings); !r) return std::unexpected(r.error());
    auto address = m_doc.get_string(value, "address");
    if (!address) return std::unexpected(address.error());
    if (*address && (*address)->empty()) {
      return m_doc.error(lookup(value, "address"), "address: must not be empty");
    }
    if (*address && !valid_address(**address)) {
      return m_doc.error(lookup(value, "address"),
                         "address: '" + **address +
                             "' is not an address (an IP address or DNS name has no blanks or "
                             "control characters)");
    }
    h.settings.address = *address;
    if (auto r = vars(value, h.vars); !r) return std::unexpected(r.error());
    return h;
  }

  Result<RawGroup> group(const YAML::Node& key, const YAML::Node& value) {
    RawGroup g;
    g.name = key.Scalar();
    g.where = m_doc.where(key);
    const std::string context = "group '" + g.name + "'";
    if (value.IsDefined() && !value.IsNull() && !value.IsMap()) {
      return m_doc.error(
          value, context + " must be a mapping, e.g. '" + g.name + ": {hosts: [web1, web2]}'");
    }
    if (auto r = m_doc.check_keys(value, with(k_connection_keys, {"hosts", "children", "vars"}),
                                  context);
        !r)
      return std::unexpected(hint_address(value, r.error()));
    if (auto r = names(value, "hosts", g.hosts); !r) return std::unexpected(r.error());
    if (auto r = names(value, "children", g.children); !r) return std::unexpected(r.error());
    if (auto r = settings(value, g.settings); !r) return std::unexpected(r.error());
    if (auto r = vars(value, g.vars); !r) return std::unexpected(r.error());
    return g;
  }

  // A list of names (or one name), each remembered with its location.
  Result<void> names(const YAML::Node& map, std::string_view key, std::vector<NameRef>& out) {
    const YAML::Node list = lookup(map, key);
    if (auto r = m_doc.as_string_list(list, key); !r) return std::unexpected(r.error());
    if (list.IsScalar()) {
      out.push_back({list.Scalar(), m_doc.where(list)});
    } else if (list.IsSequence()) {
      for (const auto& item : list) out.push_back({item.Scalar(), m_doc.where(item)});
    }
    return {};
  }

  Result<void> vars(const YAML::Node& map, YAML::Node& out) {
    const YAML::Node v = lookup(map, "vars");
    if (auto r = m_doc.require_map(v, "vars"); !r) return r;
    out = v.IsMap() ? v : YAML::Node(YAML::NodeType::Map);
    return {};
  }

  Result<void> settings(const YAML::Node& map, ConnectionSettings& s) {
    if (!map.IsMap()) return {};
    auto port = m_doc.get_int(map, "port", 1, 65535);
    auto timeout = m_doc.get_int(map, "connect_timeout", 1, 3600);
    auto become = m_doc.get_bool(map, "become");
    if (!port) return std::unexpected(port.error());
    if (!timeout) return std::unexpected(timeout.error());
    if (!become) return std::unexpected(become.error());
    if (*port) s.port = static_cast<int>(**port);
    if (*timeout) s.connect_timeout = static_cast<int>(**timeout);
    s.become = *become;
    struct Field {
      const char* key;
      std::optional<std::string>* target;
      bool path;
    };
    for (const Field& f :
         {Field{"user", &s.user, false}, Field{"key", &s.key_file, true},
          Field{"known_hosts", &s.known_hosts, true}, Field{"password_env", &s.password_env, false},
          Field{"become_user", &s.become_user, false},
          Field{"become_password_env", &s.become_password_env, false}}) {
      auto v = m_doc.get_string(map, f.key);
      if (!v) return std::unexpected(v.error());
      if (*v && f.path) **v = resolve_inventory_path(**v, m_doc.path());
      *f.target = *v;
    }
    return {};
  }

  const YamlDoc& m_doc;
};

}  // namespace

Result<Inventory> parse_yaml_inventory(const std::string& path, std::string_view text) {
  auto doc = parse_yaml(path, text);
  if (!doc) return std::unexpected(doc.error());
  if (is_ansible_yaml(doc->root())) return parse_ansible_yaml_inventory(*doc);
  auto raw = YamlInventoryReader(*doc).read();
  if (!raw) return std::unexpected(raw.error());
  return resolve_inventory(std::move(*raw));
}

}  // namespace forja

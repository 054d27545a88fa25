#include <algorithm>

#include "resources/resource.hpp"

namespace forja {

// Each resource file defines one of these.
ResourceType package_type();
ResourceType file_type();
ResourceType directory_type();
ResourceType template_type();
ResourceType command_type();
ResourceType service_type();
ResourceType user_type();
ResourceType group_type();
ResourceType firewall_type();
ResourceType virtualenv_type();
ResourceType download_type();

const std::vector<ResourceType>& resource_types() {
  static const std::vector<ResourceType> types = {
      package_type(), file_type(), directory_type(), template_type(), command_type(),
      service_type(), user_type(), group_type(), firewall_type(),
      virtualenv_type(), download_type(),
  };
  return types;
}

const ResourceType* find_resource_type(std::string_view name) {
  const auto& types = resource_types();
  auto it = std::find_if(types.begin(), types.end(), [&](auto& t) { return t.name == name; });
  return it == types.end() ? nullptr : &*it;
}

}  // namespace forja

// template: a file rendered locally from a Mustache template with the host's variables.
#include <filesystem>

#include "resources/file.hpp"
#include "template/render.hpp"
#include "util/input_file.hpp"

namespace forja {

namespace {

// A template path: as given (absolute or relative to the state file), else in a templates/
// directory beside the state file or in one of its parents (playbooks/states -> ../../templates).
std::string find_template(const std::string& base_dir, const std::string& src) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto direct = src.empty() || src[0] == '/' ? fs::path(src) : (fs::path(base_dir) / src).lexically_normal();
  if (fs::is_regular_file(direct, ec)) return direct.string();
  if (!src.empty() && src[0] == '/') return {};
  auto dir = fs::absolute(base_dir, ec);
  if (ec) return {};
  for (int up = 0; up < 4 && !dir.empty(); ++up) {
    auto candidate = dir / "templates" / src;
    if (fs::is_regular_file(candidate, ec)) return candidate.lexically_normal().string();
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return {};
}

}  // namespace

ResourceType template_type() {
  auto args = file_args();
  args.erase(args.begin(), args.begin() + 2);  // no content/source: the template is `src`
  args.insert(args.begin(), {"src", ArgKind::string, true,
                             "Mustache template, relative to the state file or templates/"});
  return {"template",
          "A file rendered locally from a Mustache template with the host's variables and facts.",
          args, [](const Args& a, const BuildContext& ctx) -> Result<std::unique_ptr<Resource>> {
            auto path = find_template(ctx.base_dir, a.str("src"));
            if (path.empty()) {
              return std::unexpected(a.error("src", "no such template: " + a.str("src") +
                                                        " (looked in " + ctx.base_dir +
                                                        " and templates/ above it)"));
            }
            auto text = read_input_file(path, "template");
            if (!text) return std::unexpected(text.error());
            auto rendered = render_template(*text, ctx.vars, SourceLocation{path, 1, 1}, ctx.used_names);
            if (!rendered) return std::unexpected(rendered.error());
            return make_file_resource(a, std::move(*rendered));
          }};
}

}  // namespace forja

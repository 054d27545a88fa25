#include "transport/local_transport.hpp"

#include "util/process.hpp"

namespace forja {

Result<ExecResult> LocalTransport::exec_raw(const std::vector<std::string>& argv,
                                            std::string_view input) {
  ProcessOptions options;
  options.input = std::string(input);
  auto r = run_process(argv, options);
  if (!r) return std::unexpected(r.error());
  return ExecResult{r->exit_status, std::move(r->out), std::move(r->err)};
}

}  // namespace forja

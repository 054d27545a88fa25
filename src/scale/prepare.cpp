#include "scale/prepare.hpp"

#include "report/reporter.hpp"
#include "scale/placement.hpp"
#include "scale/scaled.hpp"
#include "util/text.hpp"

namespace forja {

Result<void> place_scaled_replicas(const Playbook& book, Inventory& inventory, StoreWrite write) {
  auto services = scaled_services(book, inventory);
  if (!services) return std::unexpected(services.error());
  std::vector<ScaleRecord> records;
  for (const auto& svc : *services) {
    auto fallback = default_record(svc.hosts, svc.first_port);
    if (svc.backend.empty()) {
      records.push_back(fallback);
      continue;
    }
    auto store = make_kv_store(svc.backend, svc.endpoint);
    if (!store) return std::unexpected(store.error());
    auto read = read_scale(**store, svc);
    if (!read) {
      reporter().error_line(
          "forja: warning: " + svc.service + ": the scale store (" + (*store)->where() +
          ") did not answer (" + read.error().message + "): one replica per host of '" + svc.group +
          "' as the playbook declares; a stored scale is applied once it answers");
      records.push_back(fallback);
      continue;
    }
    auto down = down_hosts(svc, inventory);
    PlacementInput in{svc.hosts, {}, svc.first_port, read->record.desired, read->record};
    for (const auto& [h, why] : down) in.down.insert(h);
    auto placed = place(in);
    if (!placed) return fail(svc.service + ": " + placed.error().message);
    if (placed->changes(read->record)) {
      for (const auto& [h, why] : down) {
        reporter().line(svc.service + ": " + h + " is down (" + why + ")");
      }
      std::vector<std::string> moved;
      for (const auto& x : placed->added) moved.push_back(x.instance());
      std::vector<std::string> lost;
      for (const auto& x : placed->lost) lost.push_back(x.instance());
      reporter().line(svc.service + ": " + std::to_string(placed->record.desired) +
                      " replica(s) kept: " + (lost.empty() ? "" : join(lost) + " retired, ") +
                      (moved.empty() ? "nothing placed" : join(moved) + " placed") +
                      (write == StoreWrite::yes ? "" : " (not stored: plan)"));
      if (write == StoreWrite::yes) {
        auto version = read->stored ? read->stored->version : "";
        auto ok = (*store)->put_if(svc.key(), record_to_json(placed->record), version);
        if (!ok) return std::unexpected(ok.error());
        if (!*ok) {
          return fail(svc.service + ": the record at " + (*store)->where() + " key " + svc.key() +
                      " changed while this run placed replicas (another forja?): run again");
        }
      }
    }
    records.push_back(placed->record);
  }
  inject_replicas(inventory, *services, records);
  return {};
}

}  // namespace forja

// ProjectionAdminService: sales.projections.v1.ProjectionAdmin over the projections a process
// runs — their progress (ListProjections) and a rebuild checked against the live read model
// (Rebuild, see common/projection/rebuild_check.h).
//
//   ProjectionAdminService admin(&executor, "/data/projections");
//   admin.Register({.name = "funnel", .runner = runner.get(), .sources = sources,
//                   .make_projection = [] { return std::make_unique<FunnelProjection>(); }});
//   services.push_back(&admin);  // then start the gRPC server
//
// A rebuild goes into <scratch_dir>/<name>.rebuild-<id> and is deleted afterwards unless the
// request keeps it. Rebuilds run on the executor (they read whole logs); the live read model is
// only read.
//
// Thread-safety: Register every projection before the service is served; the RPCs may then run
// concurrently. The executor and every registered runner must outlive the gRPC server.
#ifndef SALES_COMMON_PROJECTION_ADMIN_PROJECTION_ADMIN_SERVICE_H_
#define SALES_COMMON_PROJECTION_ADMIN_PROJECTION_ADMIN_SERVICE_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/concurrency/executor.h"
#include "common/grpc/request_parsing_service.h"
#include "common/projection/projection_runner.h"
#include "grpcpp/grpcpp.h"
#include "sales/projections/v1/admin.grpc.pb.h"

namespace sales::projection {

struct AdministeredProjection {
  std::string name;                       // the projection's name(): what clients pass to Rebuild
  ProjectionRunner* runner = nullptr;     // the live one; not owned
  std::vector<ProjectionSource> sources;  // as given to the runner
  // A fresh instance for a rebuild (the live runner's instance stays its own).
  std::function<std::unique_ptr<Projection>()> make_projection;
};

class ProjectionAdminService final
    : public grpc_server::RequestParsingService<projections::v1::ProjectionAdmin::CallbackService> {
 public:
  static constexpr char kServiceName[] = "sales.projections.v1.ProjectionAdmin";

  // Removes what interrupted rebuilds left in `scratch_dir` (a kill -9 during Rebuild).
  ProjectionAdminService(concurrency::Executor* executor, std::string scratch_dir);

  void Register(AdministeredProjection projection);

  grpc::ServerUnaryReactor* ListProjections(
      grpc::CallbackServerContext* context, const projections::v1::ListProjectionsRequest* request,
      projections::v1::ListProjectionsResponse* response) override;
  grpc::ServerUnaryReactor* Rebuild(grpc::CallbackServerContext* context,
                                    const projections::v1::RebuildRequest* request,
                                    projections::v1::RebuildResponse* response) override;

 private:
  // A rebuild's scratch store is <scratch_dir>/<name><kRebuildInfix><ulid>.
  static constexpr char kRebuildInfix[] = ".rebuild-";

  void RemoveAbandonedRebuilds() const;
  const AdministeredProjection* Find(absl::string_view name) const;
  absl::StatusOr<std::pair<const AdministeredProjection*, absl::Duration>> CheckRebuild(
      const projections::v1::RebuildRequest& request) const;

  concurrency::Executor* const executor_;
  const std::string scratch_dir_;
  std::vector<AdministeredProjection> projections_;
};

}  // namespace sales::projection

#endif  // SALES_COMMON_PROJECTION_ADMIN_PROJECTION_ADMIN_SERVICE_H_

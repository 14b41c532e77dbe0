#include "common/projection/own_read_model.h"

#include <utility>

#include "common/status/status_macros.h"

namespace sales::projection {

absl::StatusOr<std::unique_ptr<OwnReadModel>> OwnReadModel::Start(
    Projection* projection, const OwnReadModelOptions& options) {
  if (options.store == nullptr) {
    return absl::InvalidArgumentError("OwnReadModel: store is required");
  }
  if (options.path.empty()) return absl::InvalidArgumentError("OwnReadModel: path is required");
  auto model = std::unique_ptr<OwnReadModel>(new OwnReadModel(projection, options));
  ASSIGN_OR_RETURN(model->runner_, ProjectionRunner::Create(
                                       projection, {.path = options.path,
                                                    .sources = {model->source_},
                                                    .dead_letters = options.dead_letters,
                                                    .metrics = options.metrics,
                                                    .store = {.memory = options.memory},
                                                    .wake_batch_delay = options.wake_batch_delay}));
  model->runner_->Start();
  return model;
}

OwnReadModel::OwnReadModel(Projection* projection, const OwnReadModelOptions& options)
    : projection_(projection),
      feed_(options.store),
      source_{.topic = options.topic, .feed = &feed_} {}

OwnReadModel::~OwnReadModel() {
  if (runner_ != nullptr) runner_->Stop();
}

AdministeredProjection OwnReadModel::administered(
    std::function<std::unique_ptr<Projection>()> make_projection) const {
  return {.name = std::string(projection_->name()),
          .runner = runner_.get(),
          .sources = {source_},
          .make_projection = std::move(make_projection)};
}

}  // namespace sales::projection

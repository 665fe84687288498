// ado_space.hpp — ado discovery-space files (IBM ado: an `entitySpace` list of `identifier` plus
// `propertyDomain`), and the fine-tuning sweep over every point of one.
//
// The shape follows ado's AutoConf example plugins/custom_experiments/autoconf/examples/sweep/space.yaml:
//   experiments: [...]                      (ignored: trainplan is the experiment)
//   entitySpace:
//     - identifier: "model_name"
//       propertyDomain:
//         values: ["granite-3.1-2b", ...]    (a list of scalars), or
//         domainRange: [1, 9]  interval: 2  (discrete range, upper end excluded as in ado: 1, 3, 5, 7)
// Errors name the file, line and key: "space.yaml:7: entitySpace[2].propertyDomain.values: expected a list".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "finetune.hpp"
#include "result.hpp"

namespace tp {

struct AdoDimension {
    std::string identifier;
    std::vector<std::string> values;  // scalars as written (numbers keep their text, e.g. "512")
    int line = 0;                     // 1-based line of the entry
};

struct AdoSpace {
    std::vector<AdoDimension> dimensions;
    // Points in the space (product of the value counts); saturates at SIZE_MAX.
    size_t size() const;
};

// Limit on points a sweep evaluates (a larger space is an error naming the product).
constexpr size_t kAdoSpaceMaxPoints = 10'000'000;
// Limit on the values one domainRange expands to.
constexpr size_t kAdoRangeMaxValues = 1'000'000;

Result<AdoSpace> ado_space_parse(std::string_view yaml, std::string_view source);

// The sweep: every point of the space through the minimum-GPU recommender. Required identifiers
// (ado's min_gpu_recommender inputs): model_name, method, gpu_model, tokens_per_sample, batch_size;
// optional: gpus_per_worker, max_gpus (ado's defaults 8 and 8); any other identifier (model_version,
// ...) is carried into the CSV unchanged. `base` supplies everything else (sharding, LoRA rank, ...).
struct SweepTable {
    std::vector<std::string> header;  // the space's identifiers in order, then can_recommend, gpus, workers, reason
    std::vector<std::vector<std::string>> rows;
    size_t recommended = 0;           // rows with can_recommend = 1
};
Result<SweepTable> finetune_sweep(const AdoSpace& space, const FinetuneRequest& base, std::string_view source);

}  // namespace tp

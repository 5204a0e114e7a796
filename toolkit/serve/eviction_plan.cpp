#include "toolkit/serve/eviction_plan.hpp"

#include <algorithm>

namespace optml::serve {

EvictionPlan plan_eviction(std::vector<ModelUsage> models, std::uint64_t budget_bytes) {
    std::uint64_t total = 0;
    std::uint64_t evictable_total = 0;
    for (const ModelUsage& model : models) {
        total += model.bytes;
        if (model.evictable) evictable_total += model.bytes;
    }
    EvictionPlan plan;
    if (total <= budget_bytes) return plan;
    if (total - evictable_total > budget_bytes) {
        plan.fits = false;
        return plan;
    }
    std::stable_sort(models.begin(), models.end(), [](const ModelUsage& a, const ModelUsage& b) {
        return a.last_used < b.last_used;
    });
    for (const ModelUsage& model : models) {
        if (total <= budget_bytes) break;
        if (!model.evictable) continue;
        plan.evict.push_back(model.name);
        total -= model.bytes;
    }
    return plan;
}

}  // namespace optml::serve

#include <catch2/catch.hpp>

#include "toolkit/serve/eviction_plan.hpp"

using optml::serve::ModelUsage;
using optml::serve::plan_eviction;

namespace {
constexpr std::uint64_t kMb = 1024 * 1024;
}

TEST_CASE("nothing is evicted within the budget") {
    const auto plan = plan_eviction({{"a", 40 * kMb, 1, true}, {"b", 40 * kMb, 2, true}}, 80 * kMb);
    CHECK(plan.fits);
    CHECK(plan.evict.empty());
}

TEST_CASE("the least recently used go first, only as many as needed") {
    const auto plan = plan_eviction({{"new", 50 * kMb, 9, false},
                                     {"warm", 40 * kMb, 5, true},
                                     {"cold", 40 * kMb, 1, true},
                                     {"colder", 10 * kMb, 0, true}},
                                    100 * kMb);
    CHECK(plan.fits);
    // 140 MB: "colder" (10) is not enough, "cold" (40) then brings it to 90.
    CHECK(plan.evict == std::vector<std::string>{"colder", "cold"});
}

TEST_CASE("busy models are never evicted, even when least recently used") {
    const auto plan = plan_eviction(
        {{"busy", 60 * kMb, 1, false}, {"idle", 60 * kMb, 2, true}, {"new", 30 * kMb, 3, false}},
        100 * kMb);
    CHECK(plan.fits);
    CHECK(plan.evict == std::vector<std::string>{"idle"});
}

TEST_CASE("when evicting every idle model would not make room, nothing is evicted") {
    const auto plan =
        plan_eviction({{"huge", 300 * kMb, 5, false}, {"idle", 20 * kMb, 1, true}}, 100 * kMb);
    CHECK_FALSE(plan.fits);
    CHECK(plan.evict.empty());
}

#include "toolkit/pyjson/dict_builder.hpp"

#include <algorithm>

namespace optml::pyjson::detail {

void DictBuilder::add(std::string key, Value value) {
    auto& items = dict_.items_;
    if (items.size() < kIndexThreshold) {
        const auto it = std::find_if(items.begin(), items.end(),
                                     [&](const auto& item) { return item.first == key; });
        if (it != items.end()) {
            it->second = std::move(value);
            return;
        }
        items.emplace_back(std::move(key), std::move(value));
        return;
    }
    if (index_.empty()) {
        for (std::size_t i = 0; i < items.size(); ++i) index_.emplace(items[i].first, i);
    }
    const auto [it, inserted] = index_.try_emplace(key, items.size());
    if (!inserted) {
        items[it->second].second = std::move(value);
        return;
    }
    items.emplace_back(std::move(key), std::move(value));
}

}  // namespace optml::pyjson::detail

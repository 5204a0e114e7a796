#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <span>
#include <string>

#include "toolkit/config/settings.hpp"

#ifndef OPTML_SOURCE_DIR
#error "OPTML_SOURCE_DIR names the repository root, where README.md is"
#endif

namespace {

bool is_settings_name(const std::string& name) {
    return (name.starts_with("OPTML_") || name.starts_with("SAGEMAKER_")) &&
           name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == std::string::npos;
}

// The OPTML_* and SAGEMAKER_* names in the first column of the "| variable |" tables under
// README's "## " heading that starts with `heading`, up to the next "## " heading.
std::set<std::string> readme_settings_names(const std::string& heading) {
    std::ifstream readme(std::string(OPTML_SOURCE_DIR) + "/README.md");
    REQUIRE(readme);
    std::set<std::string> names;
    bool in_section = false;
    bool in_table = false;
    for (std::string line; std::getline(readme, line);) {
        if (line.starts_with("## ")) in_section = line.starts_with(heading);
        if (!line.starts_with("| ")) in_table = false;
        if (line.starts_with("| variable |")) in_table = true;
        if (!in_section || !in_table) continue;
        const std::string first_column = line.substr(0, line.find(" |", 1));
        for (std::size_t open = first_column.find('`'); open != std::string::npos;) {
            const std::size_t close = first_column.find('`', open + 1);
            if (close == std::string::npos) break;
            const std::string name = first_column.substr(open + 1, close - open - 1);
            if (is_settings_name(name)) names.insert(name);
            open = first_column.find('`', close + 1);
        }
    }
    return names;
}

std::set<std::string> table_names(std::span<const optml::config::SettingRow> rows) {
    std::set<std::string> table;
    for (const optml::config::SettingRow& row : rows) {
        CHECK(is_settings_name(std::string(row.name)));
        CHECK(table.insert(std::string(row.name)).second);  // each variable has one row
    }
    return table;
}

}  // namespace

TEST_CASE("README's settings tables list exactly the settings table's variables") {
    CHECK(readme_settings_names("## Settings") ==
          table_names(optml::config::training_setting_rows()));
}

TEST_CASE("README's serve settings table lists exactly the serving table's variables") {
    CHECK(readme_settings_names("## `serve`") ==
          table_names(optml::config::serving_setting_rows()));
}

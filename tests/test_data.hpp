// test_data.hpp — reading ../shared/data at run time (TRAINPLAN_SHARED_DATA points there).
#pragma once

#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tp::test {

inline std::string shared_data_dir() {
    if (const char* env = std::getenv("TRAINPLAN_SHARED_DATA")) return env;
    return TRAINPLAN_SHARED_DATA;  // compile definition: <repo>/../shared/data
}

inline std::string read_shared(const std::string& relative) {
    const std::string path = shared_data_dir() + "/" + relative;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open shared data file " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A fixture of this repository: tests/data/<relative>.
inline std::string read_fixture(const std::string& relative) {
    const std::string path = std::string(TRAINPLAN_SOURCE_DIR) + "/tests/data/" + relative;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open test fixture " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline nlohmann::json load_shared_json(const std::string& relative) { return nlohmann::json::parse(read_shared(relative)); }

// gtest parameter names may hold only [A-Za-z0-9_].
inline std::string test_name(std::string raw) {
    for (char& c : raw)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return raw;
}

// One case of a data-driven parameterized test: a gtest-safe name and the case's JSON.
struct Case {
    std::string name;
    nlohmann::json data;
};
inline std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }
inline std::string case_name(const testing::TestParamInfo<Case>& info) { return info.param.name; }

// The cases of one upstream launcher test class (launcher_unit_test_cases.json), named
// <index>_<model>_<inputs> from the inputs that tell cases apart.
inline std::vector<Case> launcher_cases(const std::string& file, const std::string& cls) {
    std::vector<Case> out;
    const nlohmann::json d = load_shared_json("nemo/launcher_unit_test_cases.json");
    for (const nlohmann::json& c : d["files"][file]) {
        if (c["class"] != cls) continue;
        int i = 0;
        for (const nlohmann::json& x : c["cases"]) {
            std::string label = x.value("model_name", "") + "_";
            for (const char* key : {"model_size", "gpus", "training_days", "layers", "hs", "seq_length"})
                if (x.contains(key) && !x[key].is_null()) label += std::string(key) + "_" + x[key].dump() + "_";
            out.push_back({test_name(std::to_string(i++) + "_" + label), x});
        }
    }
    return out;
}

}  // namespace tp::test

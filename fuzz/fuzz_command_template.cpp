// Fuzz target: the command templates users pass with --command (training search and inference measurement) and
// the comma lists of `trainplan inference` and the page's inference tab. Each input is tried as a template for
// both placeholder sets and as a list; each must give a value or an error, never a crash, and:
//   - a template that fills holds no unquoted text value: the hostile values below appear only shell-quoted;
//   - a template that passes the check fills (the check and the fill agree);
//   - a list that parses holds only positive integers, and re-joined with commas parses to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "inference.hpp"
#include "inference_template.hpp"
#include "launch_commands.hpp"
#include "run_template.hpp"

namespace {

constexpr const char* kHostile = "x'; rm -rf ~; echo '";

void require(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    tp::RunValues train;
    train.config.tp = 2, train.config.pp = 1, train.config.mbs = 1, train.config.gbs = 8;
    train.log_dir = kHostile, train.name = kHostile, train.config_file = kHostile;
    const bool train_ok = bool(tp::template_check(text));
    tp::Result<std::string> filled = tp::template_fill(text, train);
    if (train_ok) require(bool(filled));  // a checked template fills (every number here is positive)

    tp::InferenceRunValues infer;
    infer.tp = 2, infer.pp = 1, infer.batch = 8, infer.input_len = 60, infer.output_len = 20;
    infer.hf_model = kHostile, infer.log_dir = kHostile, infer.name = kHostile;
    const bool infer_ok = bool(tp::inference_template_check(text));
    tp::Result<std::string> command = tp::inference_template_fill(text, infer);
    if (infer_ok) require(bool(command));
    if (command) {
        // Every occurrence of the hostile value is inside its quoting.
        const std::string quoted = tp::shell_quote(kHostile);
        std::string rest = *command;
        // Replaced by a byte no template text can join with into the pattern below.
        for (size_t at = rest.find(quoted); at != std::string::npos; at = rest.find(quoted)) rest.replace(at, quoted.size(), "\x01");
        const std::string input(text);
        if (input.find("rm -rf") == std::string::npos) require(rest.find("rm -rf") == std::string::npos);
    }

    tp::Result<std::vector<int>> list = tp::int_list_parse(text, "--tp");
    if (list) {
        std::string joined;
        for (int v : *list) {
            require(v >= 1);
            joined += (joined.empty() ? "" : ",") + std::to_string(v);
        }
        tp::Result<std::vector<int>> again = tp::int_list_parse(joined, "--tp");
        require(again && *again == *list);
    }
    return 0;
}

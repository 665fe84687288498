// ado_space.cpp — ado space files (yaml-cpp, every exception caught here) and the fine-tuning sweep.
#include "ado_space.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>

#include <yaml-cpp/yaml.h>

namespace tp {

namespace {

std::string where(std::string_view source, const YAML::Node& n) {
    return std::string(source) + ":" + std::to_string(n.Mark().line + 1) + ": ";
}

Error bad(std::string_view source, const YAML::Node& n, const std::string& key, const std::string& what) {
    return make_error(ErrorKind::parse_error, where(source, n) + key + ": " + what);
}

bool parse_double(const std::string& s, double& out) {
    if (s.empty()) return false;
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end && *end == '\0' && std::isfinite(out);
}

std::string number_text(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string((long long)v);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

Result<AdoSpace> parse_root(const YAML::Node& root, std::string_view source) {
    if (!root.IsMap()) return bad(source, root, "(top level)", "expected a mapping with an 'entitySpace' list");
    const YAML::Node es = root["entitySpace"];
    if (!es) return make_error(ErrorKind::parse_error, std::string(source) + ": entitySpace: missing (expected a list of {identifier, propertyDomain})");
    if (!es.IsSequence()) return bad(source, es, "entitySpace", "expected a list");
    AdoSpace space;
    for (size_t i = 0; i < es.size(); ++i) {
        const YAML::Node e = es[i];
        const std::string key = "entitySpace[" + std::to_string(i) + "]";
        if (!e.IsMap()) return bad(source, e, key, "expected a mapping with identifier and propertyDomain");
        AdoDimension d;
        d.line = e.Mark().line + 1;
        const YAML::Node id = e["identifier"];
        if (!id) return bad(source, e, key + ".identifier", "missing");
        if (!id.IsScalar() || id.Scalar().empty()) return bad(source, id, key + ".identifier", "expected a name");
        d.identifier = id.Scalar();
        for (const AdoDimension& prev : space.dimensions)
            if (prev.identifier == d.identifier)
                return bad(source, id, key + ".identifier", "'" + d.identifier + "' repeats the entry on line " + std::to_string(prev.line));
        const YAML::Node pd = e["propertyDomain"];
        if (!pd) return bad(source, e, key + ".propertyDomain", "missing");
        if (!pd.IsMap()) return bad(source, pd, key + ".propertyDomain", "expected a mapping with values or domainRange");
        const YAML::Node values = pd["values"];
        if (values) {
            if (!values.IsSequence()) return bad(source, values, key + ".propertyDomain.values", "expected a list");
            if (values.size() == 0) return bad(source, values, key + ".propertyDomain.values", "expected at least one value");
            for (size_t j = 0; j < values.size(); ++j) {
                if (!values[j].IsScalar())
                    return bad(source, values[j], key + ".propertyDomain.values[" + std::to_string(j) + "]", "expected a scalar");
                d.values.push_back(values[j].Scalar());
            }
        } else {
            const YAML::Node range = pd["domainRange"];
            const YAML::Node interval = pd["interval"];
            if (!range) return bad(source, pd, key + ".propertyDomain", "expected values, or domainRange with interval");
            if (!range.IsSequence() || range.size() != 2 || !range[0].IsScalar() || !range[1].IsScalar())
                return bad(source, range, key + ".propertyDomain.domainRange", "expected [low, high]");
            double lo = 0, hi = 0, step = 0;
            if (!parse_double(range[0].Scalar(), lo) || !parse_double(range[1].Scalar(), hi))
                return bad(source, range, key + ".propertyDomain.domainRange", "expected two numbers");
            if (!interval) return bad(source, pd, key + ".propertyDomain.interval", "missing (a continuous range has no points to sweep)");
            if (!interval.IsScalar() || !parse_double(interval.Scalar(), step) || !(step > 0))
                return bad(source, interval, key + ".propertyDomain.interval", "expected a positive number");
            if (!(hi > lo)) return bad(source, range, key + ".propertyDomain.domainRange", "expected low < high");
            const double count = std::ceil((hi - lo) / step);
            if (!(count <= double(kAdoRangeMaxValues)))
                return bad(source, range, key + ".propertyDomain.domainRange", "more than " + std::to_string(kAdoRangeMaxValues) + " values");
            // By index, not by repeated addition: a step below the spacing of doubles near `lo` still ends.
            for (size_t k = 0; k < size_t(count); ++k) {
                const double v = lo + double(k) * step;
                if (!(v < hi)) break;
                d.values.push_back(number_text(v));
            }
        }
        space.dimensions.push_back(std::move(d));
    }
    if (space.dimensions.empty()) return bad(source, es, "entitySpace", "expected at least one entry");
    return space;
}

}  // namespace

size_t AdoSpace::size() const {
    size_t n = 1;
    for (const AdoDimension& d : dimensions) {
        if (d.values.empty()) return 0;
        if (n > std::numeric_limits<size_t>::max() / d.values.size()) return std::numeric_limits<size_t>::max();
        n *= d.values.size();
    }
    return n;
}

Result<AdoSpace> ado_space_parse(std::string_view yaml, std::string_view source) {
    try {
        const YAML::Node root = YAML::Load(std::string(yaml));
        return parse_root(root, source);
    } catch (const YAML::Exception& e) {
        return make_error(ErrorKind::parse_error, std::string(source) + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
    } catch (const std::exception& e) {
        return make_error(ErrorKind::parse_error, std::string(source) + ": " + e.what());
    }
}

namespace {

bool parse_positive_int(const std::string& s, int& out) {
    double v = 0;
    if (!parse_double(s, v) || v < 1 || v > 1e9 || v != std::floor(v)) return false;
    out = int(v);
    return true;
}

}  // namespace

Result<SweepTable> finetune_sweep(const AdoSpace& space, const FinetuneRequest& base, std::string_view source) {
    const char* required[] = {"model_name", "method", "gpu_model", "tokens_per_sample", "batch_size"};
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < space.dimensions.size(); ++i) index[space.dimensions[i].identifier] = i;
    for (const char* r : required)
        if (!index.count(r))
            return make_error(ErrorKind::invalid_argument,
                              std::string(source) + ": entitySpace: missing '" + r +
                                  "' (needed: model_name, method, gpu_model, tokens_per_sample, batch_size)");
    const size_t points = space.size();
    if (points > kAdoSpaceMaxPoints)
        return make_error(ErrorKind::out_of_range, std::string(source) + ": entitySpace: " +
                                                       (points == std::numeric_limits<size_t>::max() ? std::string("too many")
                                                                                                     : std::to_string(points)) +
                                                       " points, more than the " + std::to_string(kAdoSpaceMaxPoints) + " a sweep evaluates");
    // Numeric dimensions are checked once, naming the entry's line.
    for (const char* key : {"tokens_per_sample", "batch_size", "gpus_per_worker", "max_gpus"}) {
        auto it = index.find(key);
        if (it == index.end()) continue;
        const AdoDimension& d = space.dimensions[it->second];
        for (size_t j = 0; j < d.values.size(); ++j) {
            int v = 0;
            if (!parse_positive_int(d.values[j], v))
                return make_error(ErrorKind::invalid_argument,
                                  std::string(source) + ":" + std::to_string(d.line) + ": entitySpace[" +
                                      std::to_string(it->second) + "].propertyDomain.values[" + std::to_string(j) +
                                      "]: '" + d.values[j] + "' is not a positive integer (" + key + ")");
        }
    }
    // Names resolve once per distinct value: an unknown one makes its points unrecommendable, not an error
    // (ado answers can_recommend = 0 for names its classifier does not know).
    std::map<std::string, Result<ModelSpec>> models;
    std::map<std::string, Result<GpuSpec>> gpus;
    std::map<std::string, Result<FinetuneMethod>> methods;
    for (const std::string& v : space.dimensions[index["model_name"]].values) models.emplace(v, finetune_model_find(v));
    for (const std::string& v : space.dimensions[index["gpu_model"]].values) gpus.emplace(v, finetune_gpu_find(v));
    for (const std::string& v : space.dimensions[index["method"]].values) methods.emplace(v, finetune_method_parse(v));

    SweepTable t;
    for (const AdoDimension& d : space.dimensions) t.header.push_back(d.identifier);
    for (const char* c : {"can_recommend", "gpus", "workers", "reason"}) t.header.push_back(c);
    t.rows.reserve(points);
    const size_t dims = space.dimensions.size();
    std::vector<size_t> at(dims, 0);
    for (size_t p = 0; p < points; ++p) {
        std::vector<std::string> row;
        row.reserve(dims + 4);
        for (size_t i = 0; i < dims; ++i) row.push_back(space.dimensions[i].values[at[i]]);
        auto value = [&](const char* key) -> const std::string& { return row[index.at(key)]; };
        FinetuneRequest r = base;
        std::string reason;
        const Result<ModelSpec>& m = models.at(value("model_name"));
        const Result<GpuSpec>& g = gpus.at(value("gpu_model"));
        const Result<FinetuneMethod>& meth = methods.at(value("method"));
        if (!m) reason = m.error().message;
        else if (!g) reason = g.error().message;
        else if (!meth) reason = meth.error().message;
        FinetunePlan plan;
        if (reason.empty()) {
            r.model = *m;
            r.gpu = *g;
            r.method = *meth;
            parse_positive_int(value("tokens_per_sample"), r.tokens_per_sample);
            parse_positive_int(value("batch_size"), r.batch_size);
            if (index.count("gpus_per_worker")) parse_positive_int(value("gpus_per_worker"), r.gpus_per_worker);
            if (index.count("max_gpus")) parse_positive_int(value("max_gpus"), r.max_gpus);
            plan = finetune_recommend(r);
            reason = plan.reason;
        }
        row.push_back(plan.can_recommend ? "1" : "0");
        row.push_back(plan.can_recommend ? std::to_string(plan.gpus) : "");
        row.push_back(plan.can_recommend ? std::to_string(plan.workers) : "");
        row.push_back(reason);
        t.recommended += plan.can_recommend ? 1 : 0;
        t.rows.push_back(std::move(row));
        // Next point: the last identifier varies fastest (itertools.product order).
        for (size_t i = dims; i-- > 0;) {
            if (++at[i] < space.dimensions[i].values.size()) break;
            at[i] = 0;
        }
    }
    return t;
}

}  // namespace tp

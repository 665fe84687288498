#include "result.hpp"

namespace tp {

const char* error_kind_name(ErrorKind kind) {
    switch (kind) {
#define TP_ERROR_CASE(name, text) \
    case ErrorKind::name:         \
        return text;
        TP_ERROR_KINDS(TP_ERROR_CASE)
#undef TP_ERROR_CASE
    }
    return "error";
}

}  // namespace tp

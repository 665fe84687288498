// result.hpp — value-or-error for every expected failure in the core.
//
// The core never throws across its public surface (exceptions abort a default
// Emscripten build, and the CLI must turn every bad input into one clear line).
// Functions that can fail on user input return Result<T>; the message names the
// field and the accepted range so front ends can print it as is.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace tp {

// One table of error kinds (sokol-style): the enum and its printable name.
#define TP_ERROR_KINDS(X)                                                                         \
    X(invalid_argument, "invalid argument")                                                       \
    X(out_of_range, "out of range")                                                               \
    X(unknown_name, "unknown name")                                                               \
    X(parse_error, "parse error")                                                                 \
    X(unsupported, "unsupported")                                                                 \
    X(not_found, "not found")

enum class ErrorKind {
#define TP_ERROR_ENUM(name, text) name,
    TP_ERROR_KINDS(TP_ERROR_ENUM)
#undef TP_ERROR_ENUM
};

const char* error_kind_name(ErrorKind kind);

struct Error {
    ErrorKind kind = ErrorKind::invalid_argument;
    std::string message;  // names the field (and file/line where there is one) and the accepted range
};

inline Error make_error(ErrorKind kind, std::string message) { return Error{kind, std::move(message)}; }

template <typename T>
class Result {
public:
    Result(T value) : data_(std::move(value)) {}         // NOLINT: implicit by design
    Result(Error error) : data_(std::move(error)) {}     // NOLINT: implicit by design

    bool ok() const { return data_.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<0>(data_); }
    T& value() & { return std::get<0>(data_); }
    T&& value() && { return std::get<0>(std::move(data_)); }
    const T& operator*() const& { return value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<1>(data_); }

private:
    std::variant<T, Error> data_;
};

}  // namespace tp

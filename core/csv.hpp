// csv.hpp — RFC 4180 tables (quoted fields, doubled quotes, CRLF or LF) for the ground-truth files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace tp {

struct CsvTable {
    std::string source;                          // file name, for messages
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;  // every row has header.size() fields
    std::vector<int> lines;                      // 1-based line where each row starts

    // Index of a column, or -1.
    int column(std::string_view name) const;
    // Field of row r in column `name`; empty when the column is missing.
    const std::string& field(size_t r, std::string_view name) const;
};

// The table as RFC 4180 text with LF line ends (what pandas' to_csv writes): a field holding a comma, quote
// or line break is quoted, quotes doubled.
std::string csv_write(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

// A row with a different field count than the header is an error naming the file and line.
Result<CsvTable> csv_parse(std::string_view text, std::string_view source);

}  // namespace tp

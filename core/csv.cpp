#include "csv.hpp"

namespace tp {

int CsvTable::column(std::string_view name) const {
    for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return int(i);
    return -1;
}

const std::string& CsvTable::field(size_t r, std::string_view name) const {
    static const std::string empty;
    const int c = column(name);
    return c < 0 ? empty : rows[r][size_t(c)];
}

Result<CsvTable> csv_parse(std::string_view text, std::string_view source) {
    CsvTable table;
    table.source = std::string(source);
    std::vector<std::string> record;
    std::string field;
    bool quoted = false, field_started = false;
    int line = 1, record_line = 1;
    auto end_record = [&]() -> Result<bool> {
        record.push_back(std::move(field));
        field.clear();
        field_started = false;
        const bool blank = record.size() == 1 && record[0].empty();
        if (!blank) {
            if (table.header.empty()) {
                table.header = std::move(record);
            } else if (record.size() != table.header.size()) {
                return make_error(ErrorKind::parse_error, table.source + ":" + std::to_string(record_line) + ": " +
                                                              std::to_string(record.size()) + " fields, header has " +
                                                              std::to_string(table.header.size()));
            } else {
                table.rows.push_back(std::move(record));
                table.lines.push_back(record_line);
            }
        }
        record.clear();
        record_line = line;
        return true;
    };
    for (size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (quoted) {
            if (ch == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (ch == '\n') ++line;
                field += ch;
            }
            continue;
        }
        if (ch == '"' && !field_started) {
            quoted = field_started = true;
        } else if (ch == ',') {
            record.push_back(std::move(field));
            field.clear();
            field_started = false;
        } else if (ch == '\n' || ch == '\r') {
            if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            ++line;
            Result<bool> ok = end_record();
            if (!ok) return ok.error();
        } else {
            field += ch;
            field_started = true;
        }
    }
    if (quoted) return make_error(ErrorKind::parse_error, table.source + ":" + std::to_string(record_line) + ": unterminated quoted field");
    if (field_started || !record.empty()) {
        Result<bool> ok = end_record();
        if (!ok) return ok.error();
    }
    if (table.header.empty()) return make_error(ErrorKind::parse_error, table.source + ": empty file (a header row is required)");
    return table;
}

namespace {
std::string csv_field(const std::string& f) {
    if (f.find_first_of(",\"\r\n") == std::string::npos) return f;
    std::string out = "\"";
    for (char c : f) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}
void csv_line(std::string& out, const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
    out += "\n";
}
}  // namespace

std::string csv_write(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
    std::string out;
    csv_line(out, header);
    for (const std::vector<std::string>& row : rows) csv_line(out, row);
    return out;
}

}  // namespace tp

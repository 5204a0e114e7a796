#include "toolkit/tracebacks/worker_tracebacks.hpp"

#include <algorithm>
#include <cctype>

#include "toolkit/tracebacks/text_lines.hpp"

namespace optml::tracebacks {

namespace {

constexpr std::string_view kHeader = "Traceback (most recent call last):";
// Bounds the work one header costs on garbage; real tracebacks are far shorter.
constexpr std::size_t kMaxLinesScanned = 4000;
// Lines of a multi-line exception message kept after the exception line: enough for NCCL's
// and torch's longer messages, few enough that other workers' output does not follow.
constexpr std::size_t kMaxMessageLines = 10;

bool is_identifier_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool is_identifier_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

struct Prefix {
    std::string_view role;
    long long number = 0;
    std::size_t length = 0;
};

// "[rank3]:" or "[default1]:": a role name ending in a number. The entries of torchrun's own
// summary ("[0]:") have no role.
std::optional<Prefix> worker_prefix(std::string_view line) {
    if (!line.starts_with('[')) return std::nullopt;
    const auto close = line.find("]:");
    if (close == std::string_view::npos || close > 64) return std::nullopt;
    const std::string_view name = line.substr(1, close - 1);
    const auto last_letter = name.find_last_not_of("0123456789");
    if (last_letter == std::string_view::npos || last_letter + 1 == name.size()) {
        return std::nullopt;
    }
    const std::string_view role = name.substr(0, last_letter + 1);
    if (!is_identifier_start(role.front()) ||
        !std::all_of(role.begin(), role.end(), is_identifier_char)) {
        return std::nullopt;
    }
    const auto number = number_at(name.substr(last_letter + 1));
    if (!number) return std::nullopt;
    return Prefix{role, *number, close + 2};
}

bool same_worker(const WorkerLine& a, const WorkerLine& b) {
    return a.rank == b.rank && a.local_rank == b.local_rank;
}

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

bool is_chain_marker(std::string_view line) {
    return line.starts_with("During handling of the above exception") ||
           line.starts_with("The above exception was the direct cause");
}

// A log record of torch or Python: "WARNING:torch.distributed...:text" (logging's default
// format), "E1122 03:18:43.123000 140 torch/..." (torch 2.x), "[W socket.cpp:...]" (c10).
bool is_log_record(std::string_view line) {
    for (const std::string_view level : {"DEBUG:", "INFO:", "WARNING:", "ERROR:", "CRITICAL:"}) {
        if (line.starts_with(level)) return true;
    }
    const bool glog =
        line.size() > 5 && std::string_view("DIWEF").find(line[0]) != std::string_view::npos &&
        std::all_of(line.begin() + 1, line.begin() + 5,
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
        line[5] == ' ';
    return glog || line.starts_with('[');
}

// Whether `line` cannot continue the message of `exception_line`. A second exception of the
// same type is another worker's, failing the same way at the same moment.
bool ends_message(std::string_view line, std::string_view exception_line) {
    const std::string_view type = exception_line.substr(0, exception_line.find(':') + 1);
    return is_blank(line) || line.starts_with(kHeader) || line.starts_with(' ') ||
           is_chain_marker(line) || is_log_record(line) ||
           (type.ends_with(':') && line.starts_with(type));
}

// Reads the traceback whose header is lines[header], marking every header it reads in
// `read` so that the caller starts no second traceback there.
struct ReadTraceback {
    PrintedTraceback printed;
    std::size_t exception = 0;  // the line of its last exception
};

std::optional<ReadTraceback> read_traceback(const std::vector<WorkerLine>& lines,
                                            std::size_t header, std::vector<bool>& read) {
    const WorkerLine& source = lines[header];
    PrintedTraceback printed{source.rank, source.local_rank, {}, {}};
    std::size_t scanned = 0;
    // The next line of the same worker from `from` on; lines.size() at the end.
    const auto next = [&](std::size_t from) {
        for (; from < lines.size() && scanned < kMaxLinesScanned; ++from) {
            ++scanned;
            if (same_worker(lines[from], source)) return from;
        }
        return lines.size();
    };

    std::size_t i = header;
    while (true) {
        read[i] = true;
        std::string part = std::string(lines[i].text) + "\n";
        std::size_t exception = lines.size();
        for (i = next(i + 1); i < lines.size(); i = next(i + 1)) {
            const std::string_view text = lines[i].text;
            if (text.starts_with(kHeader)) {
                // Another traceback began before this one ended: unprefixed workers print
                // over each other. The later one is the one that can still end here.
                read[i] = true;
                part = std::string(text) + "\n";
            } else if (text.starts_with(' ') || text.starts_with('\t')) {
                part += std::string(text) + "\n";
            } else if (is_exception_line(text)) {
                exception = i;
                break;
            }
            // Anything else was printed in between (a log record, another worker's line).
        }
        if (exception == lines.size()) return std::nullopt;

        printed.exception_line = std::string(lines[exception].text);
        part += printed.exception_line + "\n";
        std::size_t message_lines = 0;
        for (i = next(exception + 1); i < lines.size() && message_lines < kMaxMessageLines;
             i = next(i + 1), ++message_lines) {
            if (ends_message(lines[i].text, printed.exception_line)) break;
            part += std::string(lines[i].text) + "\n";
        }
        printed.text += part;

        // "\nDuring handling of the above exception, another exception occurred:\n\n" and the
        // traceback of the exception that ended the process.
        std::size_t marker = i;
        while (marker < lines.size() && is_blank(lines[marker].text)) marker = next(marker + 1);
        if (marker == lines.size() || !is_chain_marker(lines[marker].text)) {
            return ReadTraceback{std::move(printed), exception};
        }
        std::size_t chained = next(marker + 1);
        while (chained < lines.size() && is_blank(lines[chained].text)) chained = next(chained + 1);
        if (chained == lines.size() || !lines[chained].text.starts_with(kHeader)) {
            return ReadTraceback{std::move(printed), exception};
        }
        printed.text += "\n" + std::string(lines[marker].text) + "\n\n";
        i = chained;
    }
}

}  // namespace

bool is_exception_line(std::string_view line) {
    if (line.empty() || !is_identifier_start(line.front())) return false;
    std::size_t end = 0;
    while (end < line.size() && (is_identifier_char(line[end]) || line[end] == '.')) ++end;
    const std::string_view name = line.substr(0, end);
    if (name.ends_with('.') || name.find("..") != std::string_view::npos) return false;
    const auto dot = name.rfind('.');
    const std::string_view last = dot == std::string_view::npos ? name : name.substr(dot + 1);
    if (!is_identifier_start(last.front())) return false;
    if (std::none_of(last.begin(), last.end(),
                     [](char c) { return std::islower(static_cast<unsigned char>(c)); })) {
        return false;
    }
    if (end == line.size()) {
        for (const std::string_view kind :
             {"Error", "Exception", "Interrupt", "Exit", "Iteration", "Warning"}) {
            if (last.ends_with(kind)) return true;
        }
        return false;
    }
    return line[end] == ':' && (end + 1 == line.size() || line[end + 1] == ' ');
}

std::vector<WorkerLine> worker_lines(std::string_view output) {
    std::vector<WorkerLine> lines;
    for (std::string_view text : lines_of(output)) {
        if (text.ends_with('\r')) text.remove_suffix(1);
        WorkerLine line;
        // torch 2.x under --tee prints "[default0]:[rank0]: Traceback ...": one of each kind.
        for (int kinds = 0; kinds < 2; ++kinds) {
            const auto prefix = worker_prefix(text);
            if (!prefix) break;
            auto& number = prefix->role == "rank" ? line.rank : line.local_rank;
            if (number) break;
            number = prefix->number;
            text.remove_prefix(prefix->length);
            if (prefix->role == "rank" && text.starts_with(' ')) text.remove_prefix(1);
        }
        line.text = text;
        lines.push_back(line);
    }
    return lines;
}

std::vector<PrintedTraceback> printed_tracebacks(const std::vector<WorkerLine>& lines) {
    std::vector<ReadTraceback> found;
    std::vector<bool> read(lines.size(), false);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (read[i] || !lines[i].text.starts_with(kHeader)) continue;
        if (auto traceback = read_traceback(lines, i, read)) found.push_back(std::move(*traceback));
    }
    // A worker is done printing at its exception line: who got there first failed first.
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.exception < b.exception; });
    std::vector<PrintedTraceback> printed;
    for (ReadTraceback& traceback : found) printed.push_back(std::move(traceback.printed));
    return printed;
}

}  // namespace optml::tracebacks

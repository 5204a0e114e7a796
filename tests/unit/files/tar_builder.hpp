#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace optml::files::testing {

// Writes ustar archives byte by byte, so hostile entries (absolute names, '..', devices) come
// out exactly as written, which archiving tools would refuse or "fix".
class TarBuilder {
  public:
    TarBuilder& file(const std::string& name, const std::string& data, unsigned mode = 0644) {
        add(name, '0', mode, data, "");
        return *this;
    }
    TarBuilder& folder(const std::string& name, unsigned mode = 0755) {
        add(name, '5', mode, "", "");
        return *this;
    }
    TarBuilder& symlink(const std::string& name, const std::string& target) {
        add(name, '2', 0777, "", target);
        return *this;
    }
    TarBuilder& hardlink(const std::string& name, const std::string& target) {
        add(name, '1', 0644, "", target);
        return *this;
    }
    TarBuilder& char_device(const std::string& name) {
        add(name, '3', 0666, "", "", 1, 3);  // what /dev/null is
        return *this;
    }
    TarBuilder& block_device(const std::string& name) {
        add(name, '4', 0660, "", "", 7, 0);
        return *this;
    }
    TarBuilder& fifo(const std::string& name) {
        add(name, '6', 0644, "", "");
        return *this;
    }

    // The archive with its end-of-archive marker (two zero blocks).
    std::string bytes() const { return body_ + std::string(1024, '\0'); }

    void write_tar(const std::filesystem::path& path) const { write_bytes(path, bytes()); }
    void write_tar_gz(const std::filesystem::path& path) const {
        write_bytes(path, gzip_stored(bytes()));
    }

    static void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
        std::ofstream out(path, std::ios::binary);
        out << bytes;
    }

    // A gzip member made of stored (uncompressed) deflate blocks: valid gzip that needs no zlib.
    static std::string gzip_stored(const std::string& data) {
        std::string out = {'\x1f', '\x8b', '\x08', '\0', '\0', '\0', '\0', '\0', '\0', '\xff'};
        std::size_t position = 0;
        do {
            const std::size_t length = std::min<std::size_t>(65535, data.size() - position);
            const bool last = position + length == data.size();
            out += static_cast<char>(last ? 1 : 0);
            put_le(out, length, 2);
            put_le(out, ~length & 0xffff, 2);
            out.append(data, position, length);
            position += length;
        } while (position < data.size());
        put_le(out, crc32(data), 4);
        put_le(out, data.size() & 0xffffffffu, 4);
        return out;
    }

  private:
    void add(const std::string& name, char type, unsigned mode, const std::string& data,
             const std::string& link, unsigned major = 0, unsigned minor = 0) {
        if (name.size() > 100 || link.size() > 100) {
            throw std::logic_error("name too long: " + name);
        }
        std::array<char, 512> header{};
        name.copy(header.data(), name.size());
        octal(header.data() + 100, 8, mode);
        octal(header.data() + 108, 8, 0);
        octal(header.data() + 116, 8, 0);
        octal(header.data() + 124, 12, data.size());
        octal(header.data() + 136, 12, 1700000000);
        header[156] = type;
        link.copy(header.data() + 157, link.size());
        std::string("ustar").copy(header.data() + 257, 5);
        header[263] = '0';
        header[264] = '0';
        octal(header.data() + 329, 8, major);
        octal(header.data() + 337, 8, minor);
        std::fill(header.data() + 148, header.data() + 156, ' ');
        unsigned sum = 0;
        for (const char c : header) sum += static_cast<unsigned char>(c);
        octal(header.data() + 148, 7, sum);
        body_.append(header.data(), header.size());
        body_ += data;
        body_.append((512 - data.size() % 512) % 512, '\0');
    }

    static void octal(char* field, std::size_t width, std::uint64_t value) {
        for (std::size_t i = width - 1; i-- > 0; value >>= 3)
            field[i] = static_cast<char>('0' + (value & 7));
        field[width - 1] = '\0';
    }

    static void put_le(std::string& out, std::uint64_t value, int bytes) {
        for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
    }

    static std::uint32_t crc32(const std::string& data) {
        std::uint32_t crc = 0xffffffffu;
        for (const char c : data) {
            crc ^= static_cast<unsigned char>(c);
            for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
        return ~crc;
    }

    std::string body_;
};

}  // namespace optml::files::testing

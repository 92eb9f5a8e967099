// png_check FILE X0 Y0 X1 Y1: fails unless the PNG screenshot FILE has more than one colour in all and more than one
// inside the rectangle [X0,X1) x [Y0,Y1) (where the page draws its graph). Prints what it counted. Decodes 8-bit RGB
// and RGBA PNGs without interlacing (what Chromium writes) with zlib; anything else is reported as unsupported.
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Image {
  std::uint32_t width = 0, height = 0, channels = 0;
  std::vector<std::uint8_t> pixels;  // rows of width * channels bytes, unfiltered
};

std::uint32_t be32(const std::uint8_t* p) { return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3]; }

int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

Image decode(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + file);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  static const std::uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() < 8 || !std::equal(signature, signature + 8, bytes.begin())) throw std::runtime_error(file + " is not a PNG file");
  Image img;
  std::vector<std::uint8_t> compressed;
  for (std::size_t at = 8; at + 12 <= bytes.size();) {
    const std::uint32_t length = be32(&bytes[at]);
    const std::string type(bytes.begin() + static_cast<long>(at) + 4, bytes.begin() + static_cast<long>(at) + 8);
    if (at + 12 + length > bytes.size()) throw std::runtime_error(file + ": truncated " + type + " chunk");
    const std::uint8_t* data = &bytes[at + 8];
    if (type == "IHDR") {
      img.width = be32(data), img.height = be32(data + 4);
      if (data[8] != 8 || (data[9] != 2 && data[9] != 6) || data[12] != 0)
        throw std::runtime_error(file + ": unsupported PNG (bit depth " + std::to_string(data[8]) + ", colour type " + std::to_string(data[9]) +
                                 ", interlace " + std::to_string(data[12]) + "); expected 8-bit RGB or RGBA, not interlaced");
      img.channels = data[9] == 6 ? 4 : 3;
    } else if (type == "IDAT") {
      compressed.insert(compressed.end(), data, data + length);
    }
    at += 12 + length;
  }
  if (img.width == 0 || img.height == 0) throw std::runtime_error(file + ": no image header");
  const std::size_t stride = std::size_t{img.width} * img.channels;
  std::vector<std::uint8_t> raw((stride + 1) * img.height);
  uLongf raw_size = raw.size();
  if (uncompress(raw.data(), &raw_size, compressed.data(), compressed.size()) != Z_OK || raw_size != raw.size())
    throw std::runtime_error(file + ": image data does not inflate to " + std::to_string(raw.size()) + " bytes");
  img.pixels.resize(stride * img.height);
  for (std::size_t y = 0; y < img.height; ++y) {
    const std::uint8_t filter = raw[y * (stride + 1)];
    const std::uint8_t* src = &raw[y * (stride + 1) + 1];
    std::uint8_t* row = &img.pixels[y * stride];
    const std::uint8_t* up = y ? row - stride : nullptr;
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= img.channels ? row[x - img.channels] : 0, b = up ? up[x] : 0, c = up && x >= img.channels ? up[x - img.channels] : 0;
      int predicted = 0;
      switch (filter) {
        case 0: break;
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) / 2; break;
        case 4: predicted = paeth(a, b, c); break;
        default: throw std::runtime_error(file + ": unknown row filter " + std::to_string(filter));
      }
      row[x] = static_cast<std::uint8_t>(src[x] + predicted);
    }
  }
  return img;
}

std::size_t colours(const Image& img, std::uint32_t x0, std::uint32_t y0, std::uint32_t x1, std::uint32_t y1) {
  std::set<std::uint32_t> seen;
  for (std::uint32_t y = y0; y < y1 && y < img.height; ++y) {
    for (std::uint32_t x = x0; x < x1 && x < img.width; ++x) {
      const std::uint8_t* p = &img.pixels[(std::size_t{y} * img.width + x) * img.channels];
      seen.insert(std::uint32_t{p[0]} << 16 | std::uint32_t{p[1]} << 8 | p[2]);
    }
  }
  return seen.size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: png_check FILE X0 Y0 X1 Y1\n");
    return 2;
  }
  try {
    const Image img = decode(argv[1]);
    const auto x0 = static_cast<std::uint32_t>(std::stoul(argv[2])), y0 = static_cast<std::uint32_t>(std::stoul(argv[3]));
    const auto x1 = static_cast<std::uint32_t>(std::stoul(argv[4])), y1 = static_cast<std::uint32_t>(std::stoul(argv[5]));
    const std::size_t all = colours(img, 0, 0, img.width, img.height), region = colours(img, x0, y0, x1, y1);
    std::printf("png_check: %ux%u, %zu colours in all, %zu in [%u,%u)x[%u,%u)\n", img.width, img.height, all, region, x0, x1, y0, y1);
    if (all < 2 || region < 2) {
      std::fprintf(stderr, "png_check: %s is blank (a single colour%s)\n", argv[1], all < 2 ? "" : " in the graph's rectangle");
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "png_check: %s\n", e.what());
    return 1;
  }
}

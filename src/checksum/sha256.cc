#include "checksum/sha256.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <memory>

#include "base/status.h"
#include "base/strings.h"

namespace aicr::checksum {
namespace {

constexpr std::size_t kChunkBytes = std::size_t{64} * 1024;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

/// A started SHA-256 context. libcrypto fails here only when out of memory, which the
/// rest of the program treats as fatal too.
MdCtx NewContext() {
  MdCtx ctx(EVP_MD_CTX_new());
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    std::abort();
  }
  return ctx;
}

void Update(EVP_MD_CTX* ctx, const void* data, std::size_t n) {
  if (EVP_DigestUpdate(ctx, data, n) != 1) {
    std::abort();
  }
}

std::string Finish(EVP_MD_CTX* ctx) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx, md.data(), &len) != 1) {
    std::abort();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::size_t{len} * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0x0f];
  }
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  MdCtx ctx = NewContext();
  Update(ctx.get(), bytes.data(), bytes.size());
  return Finish(ctx.get());
}

Result<std::string> Sha256HexOfFd(int fd, std::string_view what) {
  MdCtx ctx = NewContext();
  std::array<char, kChunkBytes> buf{};
  while (true) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return UnavailableError("read " + std::string(what) + ": " + ErrnoText(errno));
    }
    if (n == 0) {
      break;
    }
    Update(ctx.get(), buf.data(), static_cast<std::size_t>(n));
  }
  return Finish(ctx.get());
}

Result<std::string> Sha256HexOfFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) {
      return NotFoundError("file " + Quote(path) + " not found");
    }
    return UnavailableError("open " + Quote(path) + ": " + ErrnoText(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return UnavailableError("stat " + Quote(path) + ": " + ErrnoText(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidRequestError(Quote(path) + " is not a regular file");
  }
  Result<std::string> digest = Sha256HexOfFd(fd, Quote(path));
  ::close(fd);
  return digest;
}

bool IsSha256Hex(std::string_view s) {
  if (s.size() != kSha256HexLength) {
    return false;
  }
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace aicr::checksum

/* graft-plugin-elf.c: what a plugin file says about itself, read with
 * plain file I/O before anything opens it.
 *
 * dlopen() maps a module's segments and runs its constructors before the
 * loader can look at a single symbol. Two things must be known before
 * that: whether the file is whole (a segment that lies past the end of a
 * truncated file is mapped anyway, and touching it raises SIGBUS inside
 * the dynamic linker), and which plugin ABI the module was built for
 * (GRAFT_PLUGIN_DEFINE writes it into a `.note.graft` ELF note). The file
 * may be truncated or hostile: every offset and size read from it is
 * checked against the file's real size before it is used.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* pread(), O_CLOEXEC */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "graft-registry-private.h"

/* Reads exactly `len` bytes at `offset`, or fails: a short read means the
 * file ends earlier than its headers claim. */
static gboolean
read_at (int     fd,
         guint64 offset,
         void   *buf,
         gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = pread (fd, (char *) buf + done, len - done, (off_t) (offset + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += (gsize) n;
    }
  return TRUE;
}

/* Whether [offset, offset + len) lies inside a file of `size` bytes,
 * without overflowing. */
static gboolean
in_file (guint64 offset,
         guint64 len,
         guint64 size)
{
  return offset <= size && len <= size - offset;
}

/* Looks for the Graft note in one SHT_NOTE section. */
static gboolean
find_note (int              fd,
           const Elf64_Shdr *sh,
           GraftPluginElf   *facts)
{
  guint64 pos = sh->sh_offset, end = sh->sh_offset + sh->sh_size;

  while (end - pos >= sizeof (Elf64_Nhdr))
    {
      Elf64_Nhdr nh;
      guint64 name_len, desc_len;
      char name[sizeof (GRAFT_PLUGIN_NOTE_NAME)];

      if (!read_at (fd, pos, &nh, sizeof nh))
        return FALSE;
      pos += sizeof nh;
      name_len = ((guint64) nh.n_namesz + 3) & ~(guint64) 3;
      desc_len = ((guint64) nh.n_descsz + 3) & ~(guint64) 3;
      if (name_len > end - pos || desc_len > end - pos - name_len)
        return FALSE;
      if (nh.n_type == GRAFT_PLUGIN_NOTE_TYPE && nh.n_namesz == sizeof name && nh.n_descsz >= 8 &&
          read_at (fd, pos, name, sizeof name) && memcmp (name, GRAFT_PLUGIN_NOTE_NAME, sizeof name) == 0)
        {
          guint32 words[2];

          if (!read_at (fd, pos + name_len, words, sizeof words))
            return FALSE;
          facts->has_note = TRUE;
          facts->abi_version = words[0];
          facts->desc_size = words[1];
          return TRUE;
        }
      pos += name_len + desc_len;
    }
  return FALSE;
}

static gboolean
read_elf (int             fd,
          const char     *file,
          guint64         size,
          GraftPluginElf *facts,
          GError        **error)
{
  Elf64_Ehdr eh;

  if (!read_at (fd, 0, &eh, sizeof eh) || memcmp (eh.e_ident, ELFMAG, SELFMAG) != 0)
    {
      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_NOT_A_MODULE,
                   "Plugin file '%s' is not a loadable module: not an ELF file", file);
      return FALSE;
    }
  /* Graft is built for ELF64 little-endian machines; anything else cannot
   * be this process's module. */
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_type != ET_DYN)
    {
      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_NOT_A_MODULE,
                   "Plugin file '%s' is not a loadable module: not a 64-bit little-endian "
                   "ELF shared object (class %u, data %u, type %u)",
                   file, eh.e_ident[EI_CLASS], eh.e_ident[EI_DATA], eh.e_type);
      return FALSE;
    }

  /* Every segment the dynamic linker would map must lie in the file. */
  if (eh.e_phentsize != sizeof (Elf64_Phdr) ||
      !in_file (eh.e_phoff, (guint64) eh.e_phnum * sizeof (Elf64_Phdr), size))
    {
      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_NOT_A_MODULE,
                   "Plugin file '%s' is not a loadable module: its program headers (%u at offset %"
                   G_GUINT64_FORMAT ") lie outside the file of %" G_GUINT64_FORMAT " bytes",
                   file, eh.e_phnum, (guint64) eh.e_phoff, size);
      return FALSE;
    }
  for (guint i = 0; i < eh.e_phnum; i++)
    {
      Elf64_Phdr ph;

      if (!read_at (fd, eh.e_phoff + (guint64) i * sizeof ph, &ph, sizeof ph))
        {
          g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_NOT_A_MODULE,
                       "Plugin file '%s' is not a loadable module: cannot read program header %u", file, i);
          return FALSE;
        }
      if (ph.p_type == PT_LOAD && !in_file (ph.p_offset, ph.p_filesz, size))
        {
          g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_NOT_A_MODULE,
                       "Plugin file '%s' is not a loadable module: it is truncated (a segment ends at byte %"
                       G_GUINT64_FORMAT ", the file has %" G_GUINT64_FORMAT ")",
                       file, (guint64) ph.p_offset + ph.p_filesz, size);
          return FALSE;
        }
    }

  /* The note, from the section headers. A module without them (or without
   * the note) is an ABI-1 module: the loader then judges it once open. */
  if (eh.e_shnum == 0 || eh.e_shentsize != sizeof (Elf64_Shdr) ||
      !in_file (eh.e_shoff, (guint64) eh.e_shnum * sizeof (Elf64_Shdr), size))
    return TRUE;
  for (guint i = 0; i < eh.e_shnum && !facts->has_note; i++)
    {
      Elf64_Shdr sh;

      if (!read_at (fd, eh.e_shoff + (guint64) i * sizeof sh, &sh, sizeof sh))
        break;
      if (sh.sh_type == SHT_NOTE && in_file (sh.sh_offset, sh.sh_size, size))
        find_note (fd, &sh, facts);
    }
  return TRUE;
}

/*
 * _graft_plugin_read_elf:
 * @file: a plugin module
 * @facts: (out caller-allocates): what the file says
 * @error: return location for a #GError
 *
 * Checks that @file is a whole ELF shared object of this machine's kind
 * and reads its Graft note, if it has one. Nothing of the file is mapped
 * or run.
 *
 * Returns: %FALSE with %GRAFT_PLUGIN_ERROR_NOT_A_MODULE (or
 *   %GRAFT_PLUGIN_ERROR_UNREADABLE) when the file must not be opened
 */
gboolean
_graft_plugin_read_elf (const char     *file,
                        GraftPluginElf *facts,
                        GError        **error)
{
  struct stat st;
  gboolean ok;
  int fd;

  memset (facts, 0, sizeof *facts);
  fd = g_open (file, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, GRAFT_PLUGIN_ERROR, GRAFT_PLUGIN_ERROR_UNREADABLE,
                   "Plugin file '%s' cannot be read: %s", file, g_strerror (saved));
      return FALSE;
    }
  ok = read_elf (fd, file, (guint64) st.st_size, facts, error);
  close (fd);
  return ok;
}


-- Shared helpers for the book's Lua filters (pandoc 2.17).
local M = {}

-- The Markdown dialect of every chapter: pandoc's markdown with GitHub's
-- heading identifiers, so that chapters/X.md#id and build/book/X.html#id agree.
M.reader = "markdown+gfm_auto_identifiers"

function M.read_file(path)
  local f = io.open(path, "r")
  if not f then error("cannot open " .. path) end
  local text = f:read("a")
  f:close()
  return text
end

-- The chapter slugs, in book order, from the metadata field chapter-list
-- (a space-separated string set by book.mk).
function M.chapters(meta)
  local list, seen = {}, {}
  local raw = meta["chapter-list"]
  if raw == nil then error("chapter-list metadata is missing") end
  for slug in pandoc.utils.stringify(raw):gmatch("%S+") do
    list[#list + 1] = slug
    seen[slug] = #list
  end
  return list, seen
end

function M.chapter_dir(meta)
  local d = meta["chapter-dir"]
  return d and pandoc.utils.stringify(d) or "chapters"
end

-- The title of a chapter: the text of its first level-1 heading.
function M.title_of(blocks)
  for _, b in ipairs(blocks) do
    if b.t == "Header" and b.level == 1 then
      return pandoc.utils.stringify(b.content), b
    end
  end
  return nil
end

-- A listing is a C code block whose first line names the file it belongs to:
--   // file: clock-server.c            (or "... (continued)")
-- Returns the file name, whether it continues an earlier block, and the code
-- without the marker line. Any C block without a marker is an error: every
-- line of C in the book is compiled.
function M.listing(cb)
  if not cb.classes:includes("c") then return nil end
  local first, rest = cb.text:match("^([^\n]*)\n?(.*)$")
  local name, tail = first:match("^//%s*file:%s*([%w%._%-/]+)%s*(.*)$")
  if not name then
    error("a C code block has no '// file: NAME' first line: " ..
          cb.text:sub(1, 60))
  end
  return name, tail:match("continued") ~= nil, rest
end

-- A listing as it appears in the book: a labelled box.
function M.render_listing(cb)
  local name, continued, code = M.listing(cb)
  if not name then return nil end
  local label = pandoc.Para({ pandoc.Code(name) })
  if continued then
    label = pandoc.Para({ pandoc.Code(name), pandoc.Space(),
                          pandoc.Emph({ pandoc.Str("(continued)") }) })
  end
  local block = pandoc.CodeBlock(code, cb.attr)
  return pandoc.Div({ label, block }, pandoc.Attr("", { "listing" }))
end

-- A block the build generates, in place of a placeholder in the chapter:
--   <div class="generated" data-src="plot/sockbench.md">
--   (what GitHub shows instead)
--   </div>
-- becomes the Markdown of BOOK_OUT/plot/sockbench.md (metadata book-out says
-- where BOOK_OUT is; book.mk puts the file there before the page is built).
function M.generated(div, meta)
  if not div.classes:includes("generated") then return nil end
  local src = div.attributes["data-src"]
  local out = meta["book-out"] and pandoc.utils.stringify(meta["book-out"])
  if not src or not out then error("a generated block needs data-src and the book-out metadata") end
  local path = out .. "/" .. src
  local f = io.open(path, "r")
  if not f then error(path .. " is missing: book.mk makes it (for chapter 12: make plot)") end
  local text = f:read("a")
  f:close()
  return pandoc.Div(pandoc.read(text, M.reader).blocks, pandoc.Attr("", { "generated" }))
end

-- A link to a numbered chapter that is not in the book yet (one that
-- book/tests/planned-chapters.txt lists): the pages show its text, unlinked.
function M.planned_chapter(target, seen)
  local file = target:match("^(%d%d%-[%w%-]+)%.md#?.*$")
  return file ~= nil and not seen[file]
end

-- Split "X.md#frag" into ("X", "frag") when X is a chapter.
function M.chapter_target(target, seen)
  local file, frag = target:match("^([%w%-]+)%.md(#?.*)$")
  if file and seen[file] then
    return file, (frag ~= "" and frag:sub(2) or nil)
  end
  return nil
end

return M

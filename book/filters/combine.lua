-- The whole book as one document (for EPUB and PDF): every chapter read in
-- order, its identifiers prefixed with the chapter's name so that they stay
-- unique, and links between chapters turned into links inside the document.
-- With metadata "book-mode: index" it builds the contents page instead.
local C = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE), "common.lua" }))

local function prefixed(slug, id)
  if id == nil or id == "" then return slug end
  return slug .. "--" .. id
end

local function chapter_blocks(slug, blocks, seen, meta)
  return pandoc.walk_block(pandoc.Div(blocks), {
    Div = function(d) return C.generated(d, meta) end,
    Header = function(h)
      h.identifier = (h.level == 1) and slug or prefixed(slug, h.identifier)
      return h
    end,
    CodeBlock = function(cb) return C.render_listing(cb) end,
    Link = function(l)
      local file, frag = C.chapter_target(l.target, seen)
      if file then
        l.target = "#" .. prefixed(file, frag)
      elseif C.planned_chapter(l.target, seen) then
        return l.content
      elseif l.target:match("^#") then
        l.target = "#" .. prefixed(slug, l.target:sub(2))
      elseif l.target:match("^%.%./") then
        -- a file of the repository: name it, as a printed book would
        local path = l.target:gsub("^%.%./", "")
        local out = l.content
        out:insert(pandoc.Str(" ("))
        out:insert(pandoc.Code(path))
        out:insert(pandoc.Str(")"))
        return out
      end
      return l
    end,
  }).content
end

local function index_blocks(list, dir)
  local items = {}
  for _, slug in ipairs(list) do
    local doc = pandoc.read(C.read_file(dir .. "/" .. slug .. ".md"), C.reader)
    local title = C.title_of(doc.blocks)
    local sections = {}
    for _, b in ipairs(doc.blocks) do
      if b.t == "Header" and b.level == 2 then
        sections[#sections + 1] = { pandoc.Plain({
          pandoc.Link(b.content, slug .. ".html#" .. b.identifier) }) }
      end
    end
    local item = { pandoc.Plain({ pandoc.Link({ pandoc.Str(title) }, slug .. ".html") }) }
    if #sections > 0 then item[2] = pandoc.BulletList(sections) end
    items[#items + 1] = item
  end
  return { pandoc.Div({ pandoc.OrderedList(items) }, pandoc.Attr("contents", { "contents" })) }
end

function Pandoc(doc)
  local list, seen = C.chapters(doc.meta)
  local dir = C.chapter_dir(doc.meta)
  local mode = doc.meta["book-mode"] and pandoc.utils.stringify(doc.meta["book-mode"]) or "book"
  if mode == "index" then
    for _, b in ipairs(index_blocks(list, dir)) do doc.blocks:insert(b) end
    return doc
  end
  for _, slug in ipairs(list) do
    local ch = pandoc.read(C.read_file(dir .. "/" .. slug .. ".md"), C.reader)
    for _, b in ipairs(chapter_blocks(slug, ch.blocks, seen, doc.meta)) do doc.blocks:insert(b) end
  end
  return doc
end

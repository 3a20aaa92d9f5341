-- One chapter as one HTML page: listings labelled, links between chapters
-- pointed at their HTML pages, links into the repository pointed two levels up
-- (the page lives in build/book/), and prev/next navigation.
local C = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE), "common.lua" }))

function Pandoc(doc)
  local list, seen = C.chapters(doc.meta)
  local dir = C.chapter_dir(doc.meta)
  local input = PANDOC_STATE.input_files[1]
  local slug = pandoc.path.filename(input):gsub("%.md$", "")
  local idx = seen[slug]
  if not idx then error(slug .. " is not in chapter-list") end

  local title, h1 = C.title_of(doc.blocks)
  if not title then error(input .. " has no level-1 heading") end
  -- the heading becomes the page title, shown above the chapter's contents
  doc.meta.title = pandoc.MetaInlines(h1.content)
  local body = pandoc.List()
  for _, b in ipairs(doc.blocks) do
    if b ~= h1 then body:insert(b) end
  end
  doc.blocks = body
  doc.meta.pagetitle = pandoc.MetaString(title .. " — The Socket Workbook")

  local function nav(key, other)
    if not other then return end
    local t = C.title_of(pandoc.read(C.read_file(dir .. "/" .. other .. ".md"), C.reader).blocks)
    doc.meta[key .. "-href"] = pandoc.MetaString(other .. ".html")
    doc.meta[key .. "-title"] = pandoc.MetaString(t)
  end
  nav("prev", list[idx - 1])
  nav("next", list[idx + 1])

  doc.blocks = pandoc.walk_block(pandoc.Div(doc.blocks), {
    CodeBlock = function(cb) return C.render_listing(cb) end,
    Div = function(d) return C.generated(d, doc.meta) end,
    Link = function(l)
      local file, frag = C.chapter_target(l.target, seen)
      if file then
        l.target = file .. ".html" .. (frag and ("#" .. frag) or "")
      elseif C.planned_chapter(l.target, seen) then
        return l.content
      elseif l.target:match("^%.%./") then
        l.target = "../" .. l.target
      end
      return l
    end,
  }).content
  return doc
end

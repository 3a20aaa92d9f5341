-- Tangle: write every listing of a chapter into the files it names, blocks of
-- the same file concatenated in order. Metadata tangle-dir says where.
local C = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE), "common.lua" }))

function Pandoc(doc)
  local dir = pandoc.utils.stringify(doc.meta["tangle-dir"] or "")
  if dir == "" then error("tangle-dir metadata is missing") end
  local files, order = {}, {}
  pandoc.walk_block(pandoc.Div(doc.blocks), {
    CodeBlock = function(cb)
      local name, continued, code = C.listing(cb)
      if not name then return nil end
      if name:match("%.%.") or name:match("^/") then error("bad file name " .. name) end
      if files[name] == nil then
        if continued then error(name .. ": '(continued)' before its first block") end
        files[name] = {}
        order[#order + 1] = name
      elseif not continued then
        error(name .. ": a second block must say '(continued)'")
      end
      table.insert(files[name], code)
    end,
  })
  for _, name in ipairs(order) do
    local path = dir .. "/" .. name
    local f = assert(io.open(path, "w"))
    f:write(table.concat(files[name], "\n"))
    f:write("\n")
    f:close()
  end
  return pandoc.Pandoc({})
end

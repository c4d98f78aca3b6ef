-- wrk script: recommendPeers for a random Lotse of the demo network on every request.
-- LOTSEN (count) and TOKEN (bearer token allowed to read every Lotse's recommendations)
-- come from the environment; SELECTION (optional) replaces the fields selected of each
-- recommendation (a stock server's schema has other fields), SEED (default 42) the start of
-- the random ids, so that two servers measured one after the other get the same ids.
local count = tonumber(os.getenv("LOTSEN") or "1600")
local width = math.max(4, string.len(tostring(count)))
local token = os.getenv("TOKEN")
local selection = os.getenv("SELECTION") or "lotse { id name } score explanation { summary }"
local seed = tonumber(os.getenv("SEED") or "42")
local write_every = tonumber(os.getenv("WRITE_EVERY") or "0")
local write_token = os.getenv("WRITE_TOKEN")
local projects = tonumber(os.getenv("PROJECTS") or "4000")
local project_width = math.max(5, string.len(tostring(projects)))

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  math.randomseed(seed * 1000 + (thread_number or 0))
end

local sent = 0

request = function()
  sent = sent + 1
  if write_every > 0 and sent % write_every == 0 then
    local project = string.format("project-%0" .. project_width .. "d", math.random(1, projects))
    local body = '{"query":"mutation { updateProject(id: \\"' .. project ..
      '\\", input: { description: \\"Stand ' .. sent .. '\\" }) { id } }"}'
    return wrk.format(nil, "/graphql", { ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. write_token }, body)
  end
  local id = string.format("lotse-%0" .. width .. "d", math.random(1, count))
  local body = '{"query":"{ recommendPeers(lotseId: \\"' .. id ..
    '\\", first: 10) { ' .. selection .. ' } }"}'
  return wrk.format(nil, "/graphql", nil, body)
end

response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"') then
    io.stderr:write("unexpected response: " .. status .. " " .. string.sub(body, 1, 200) .. "\n")
  end
end

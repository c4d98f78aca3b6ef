-- wrk script: recommendPeers for a random Lotse of the demo network on every request.
-- LOTSEN (count) and TOKEN (bearer token allowed to read every Lotse's recommendations)
-- come from the environment.
local count = tonumber(os.getenv("LOTSEN") or "1600")
local width = math.max(4, string.len(tostring(count)))
local token = os.getenv("TOKEN")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

request = function()
  local id = string.format("lotse-%0" .. width .. "d", math.random(1, count))
  local body = '{"query":"{ recommendPeers(lotseId: \\"' .. id ..
    '\\", first: 10) { lotse { id name } score explanation { summary } } }"}'
  return wrk.format(nil, "/graphql", nil, body)
end

response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"') then
    io.stderr:write("unexpected response: " .. status .. " " .. string.sub(body, 1, 200) .. "\n")
  end
end

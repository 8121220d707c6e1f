-- bench/ranking_keys.lua: wrk script for bench/readmin.sh: each request carries one of the
-- ranking keys in keys.txt (working directory), chosen at random, in the `api-key` header.
local keys = {}
for line in io.lines("keys.txt") do keys[#keys + 1] = line end

request = function()
	return wrk.format("GET", nil, { ["api-key"] = keys[math.random(#keys)] })
end

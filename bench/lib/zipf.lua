-- wrk script: GET /z/<k> with k drawn from a Zipf distribution (exponent ZIPF_S, default 1.0) over
-- ZIPF_KEYS keys (default 4000), seeded per thread so that runs are repeatable. Prints nothing.
local keys = tonumber(os.getenv("ZIPF_KEYS") or "4000")
local s = tonumber(os.getenv("ZIPF_S") or "1.0")
local cdf = {}
local seed = 1

function setup(thread)
    thread:set("seed", seed)
    seed = seed + 1
end

function init(args)
    math.randomseed(tonumber(seed) or 1)
    local total = 0
    for k = 1, keys do
        total = total + 1 / (k ^ s)
        cdf[k] = total
    end
    for k = 1, keys do
        cdf[k] = cdf[k] / total
    end
end

function request()
    local u = math.random()
    local lo, hi = 1, keys
    while lo < hi do
        local mid = math.floor((lo + hi) / 2)
        if cdf[mid] < u then lo = mid + 1 else hi = mid end
    end
    return wrk.format("GET", "/z/" .. lo)
end

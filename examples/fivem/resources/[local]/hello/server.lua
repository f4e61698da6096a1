-- Save this file while `altv-dev watch` runs: altv-dev types `ensure hello` into the server console.
CreateThread(function()
    print("hello from Lua")
end)
-- edit

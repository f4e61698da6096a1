-- A Lua resource in a category folder: its name is its own folder's, hello.
fx_version 'cerulean'
game 'gta5'
server_script 'server.lua'

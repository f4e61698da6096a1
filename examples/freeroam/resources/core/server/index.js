import * as alt from "alt-server";
import * as chat from "alt:chat";

const SPAWN = { x: -1291.7, y: 83.4, z: 54.9 };

alt.on("playerConnect", (player) => {
    player.model = "mp_m_freemode_01";
    player.spawn(SPAWN.x, SPAWN.y, SPAWN.z, 0);
    chat.broadcast(`${player.name} joined the server`);
});

alt.on("playerDeath", (player) => {
    alt.setTimeout(() => player.spawn(SPAWN.x, SPAWN.y, SPAWN.z, 0), 3000);
});

alt.log("core: ready");

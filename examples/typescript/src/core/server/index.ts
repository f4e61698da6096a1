import * as alt from "alt-server";
import { CoreEvents, spawnPoints, type SpawnPoint } from "../shared/events";

function pick(player: alt.Player): SpawnPoint {
    return spawnPoints[player.id % spawnPoints.length];
}

alt.on("playerConnect", (player) => {
    const point = pick(player);
    player.model = "mp_m_freemode_01";
    player.spawn(point.x, point.y, point.z, 0);
    alt.emitClient(player, CoreEvents.welcome, point.name);
    alt.log(`${player.name} spawned at ${point.name}`);
});

alt.onClient(CoreEvents.spawned, (player) => {
    alt.log(`${player.name} is in the game`);
});

alt.log(`core started (${spawnPoints.length} spawn points)`);

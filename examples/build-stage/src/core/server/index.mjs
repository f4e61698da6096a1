import * as alt from "alt-server";

alt.on("playerConnect", (player) => {
  player.spawn(0, 0, 72);
  alt.log(`${player.name} joined`);
});

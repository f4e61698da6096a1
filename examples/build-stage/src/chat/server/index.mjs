import * as alt from "alt-server";

alt.onClient("chat:message", (player, text) => alt.emitAllClients("chat:message", player.name, text));

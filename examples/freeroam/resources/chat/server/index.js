import * as alt from "alt-server";

export function broadcast(message) {
    alt.emitAllClients("chat:message", null, message);
}

alt.onClient("chat:message", (player, message) => {
    if (message.length > 0 && message.length < 256) broadcast(`${player.name}: ${message}`);
});

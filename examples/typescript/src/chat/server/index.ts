import * as alt from "alt-server";
import { ChatEvents, clean } from "../shared/messages";

alt.onClient(ChatEvents.send, (player, text: string) => {
    const message = clean(text);
    if (message.length === 0) return;
    alt.emitAllClients(ChatEvents.message, player.name, message);
});

alt.log("chat started");

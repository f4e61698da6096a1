import * as alt from "alt-client";
import { ChatEvents } from "../shared/messages";

alt.onServer(ChatEvents.message, (name: string, text: string) => {
    alt.log(`${name}: ${text}`);
});

alt.on("keyup", (key) => {
    // T opens the chat in a real resource; here it only shows the cursor.
    if (key === 84) alt.showCursor(true);
});

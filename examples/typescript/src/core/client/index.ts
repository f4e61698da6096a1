import * as alt from "alt-client";
import * as native from "natives";
import { CoreEvents } from "../shared/events";

alt.onServer(CoreEvents.welcome, (place: string) => {
    native.displayRadar(true);
    alt.log(`welcome to ${place}`);
    alt.emitServer(CoreEvents.spawned);
});

import * as alt from "alt-client";

alt.log("core client loaded");

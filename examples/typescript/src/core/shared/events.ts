// Shared by the core resource's server and client code: one place for event names and data.
export const CoreEvents = {
    welcome: "core:welcome",
    spawned: "core:spawned",
} as const;

export interface SpawnPoint {
    readonly name: string;
    readonly x: number;
    readonly y: number;
    readonly z: number;
}

export const spawnPoints: readonly SpawnPoint[] = [
    { name: "Legion Square", x: 195.6, y: -933.4, z: 30.7 },
    { name: "Vespucci Beach", x: -1389.2, y: -1453.1, z: 4.2 },
];

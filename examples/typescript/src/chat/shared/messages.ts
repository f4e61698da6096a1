// Shared by the chat resource's server and client code.
export const ChatEvents = {
    message: "chat:message",
    send: "chat:send",
} as const;

export const maxMessageLength = 256;

export function clean(text: string): string {
    return text.trim().slice(0, maxMessageLength);
}

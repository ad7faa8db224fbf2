/** Only these 4 characters of a secret are ever stored in clear or shown. Short secrets show nothing. */
export function last4(secret: string): string {
  return secret.length >= 16 ? secret.slice(-4) : "";
}

export function maskLast4(last: string): string {
  return `••••${last}`;
}

export default function Page() { return 'v1'; }

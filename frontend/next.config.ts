import type { NextConfig } from 'next';

// A static export: the exchange binary serves frontend/out at `/` (see README.md).
const nextConfig: NextConfig = {
  output: 'export',
  trailingSlash: false,
  reactStrictMode: true,
  poweredByHeader: false,
  images: { unoptimized: true },
};

export default nextConfig;

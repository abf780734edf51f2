"""Gates (cửa khẩu): the border crossings of the zone."""

// Replaced by the upstream client.
import PinholeCore

import DNSWire
import Foundation
import Synchronization
import Testing
@testable import PinholeCore

@Suite struct DNSCacheTests {
    let clock = FakeClock()

    func cache(_ settings: CacheSettings = CacheSettings()) -> DNSCache {
        DNSCache(settings: settings, now: clock.now)
    }

    @Test func missThenHitWithTheCallersID() throws {
        let cache = cache()
        let query = try Fixtures.query()
        let key = CacheKey(query: query)
        #expect(cache.lookup(key, id: 1) == nil)
        let response = try Fixtures.answer(to: query)
        cache.insert(key, response: response)

        let hit = try #require(cache.lookup(key, id: 0xBEEF))
        #expect(Fixtures.id(hit) == 0xBEEF)
        #expect(Array(hit[2...]) == Array(response.wire[2...]))
        #expect(cache.count == 1)
        #expect(cache.statistics == {
            var s = CacheStatistics()
            s.hits = 1; s.misses = 1; s.insertions = 1
            return s
        }())
    }

    @Test func ttlsDecreaseByWholeSecondsElapsed() throws {
        let cache = cache()
        let query = try Fixtures.query()
        let key = CacheKey(query: query)
        cache.insert(key, response: try Fixtures.answer(to: query, ttls: [300, 120], authority: [Fixtures.soa(ttl: 900)]))
        clock.advance(seconds: 7)
        #expect(try Fixtures.ttls(#require(cache.lookup(key, id: 1))) == [293, 113, 893])
        clock.advance(milliseconds: 999)  // 7.999 s: still 7 whole seconds
        #expect(try Fixtures.ttls(#require(cache.lookup(key, id: 1))) == [293, 113, 893])
        clock.advance(milliseconds: 1)
        #expect(try Fixtures.ttls(#require(cache.lookup(key, id: 1))) == [292, 112, 892])
    }

    @Test func expiresAfterTheShortestTTL() throws {
        let cache = cache()
        let query = try Fixtures.query()
        let key = CacheKey(query: query)
        cache.insert(key, response: try Fixtures.answer(to: query, ttls: [60, 600]))
        clock.advance(milliseconds: 59_999)
        #expect(try Fixtures.ttls(#require(cache.lookup(key, id: 1))) == [1, 541])
        clock.advance(milliseconds: 1)
        #expect(cache.lookup(key, id: 1) == nil)
        #expect(cache.count == 0)  // without serve-stale the slot is freed at once
    }

    @Test func additionalRecordsDoNotBoundTheLifetime() throws {
        let cache = cache()
        let query = try Fixtures.query()
        let key = CacheKey(query: query)
        let glue = ResourceRecord.a("ns1.example.com", "192.0.2.53", ttl: 5)
        cache.insert(key, response: try Fixtures.answer(to: query, ttls: [300], additional: [glue]))
        clock.advance(seconds: 10)
        #expect(try Fixtures.ttls(#require(cache.lookup(key, id: 1))) == [290, 0])
    }

    @Test func evictsTheLeastRecentlyUsedAndStaysBounded() throws {
        let cache = cache(CacheSettings(maxEntries: 3))
        let keys = try (0..<4).map { try CacheKey(query: Fixtures.query("host\($0).example.com")) }
        for key in keys.prefix(3) {
            cache.insert(key, response: try Fixtures.answer(to: Fixtures.query(DNSName.text(fromWire: key.question.name))))
        }
        #expect(cache.lookup(keys[0], id: 1) != nil)  // host0 becomes the most recent; host1 the least
        cache.insert(keys[3], response: try Fixtures.answer(to: Fixtures.query("host3.example.com")))
        #expect(cache.count == 3)
        #expect(cache.statistics.evictions == 1)
        #expect(cache.lookup(keys[1], id: 1) == nil)
        #expect(cache.keysByRecency == [keys[3], keys[0], keys[2]])
        for i in 4..<50 {
            cache.insert(try CacheKey(query: Fixtures.query("host\(i).example.com")),
                         response: try Fixtures.answer(to: Fixtures.query("host\(i).example.com")))
        }
        #expect(cache.count == 3)
        #expect(cache.statistics.evictions == 47)
    }

    @Test func reinsertingReplacesTheEntry() throws {
        let cache = cache()
        let query = try Fixtures.query()
        let key = CacheKey(query: query)
        cache.insert(key, response: try Fixtures.answer(to: query, ttls: [10]))
        clock.advance(seconds: 20)
        cache.insert(key, response: try Fixtures.answer(to: query, ttls: [50]))
        #expect(cache.count == 1)
        #expect(try Fixtures.ttls(#require(cache.lookup(key, id: 1))) == [50])
    }

    @Test func nxdomainAndNodataAreCachedForTheSOANegativeTTL() throws {
        let cache = cache()
        for rcode in [DNSRcode.nxDomain, DNSRcode.noError] {
            let query = try Fixtures.query(rcode == DNSRcode.nxDomain ? "nope.example.com" : "nodata.example.com")
            let key = CacheKey(query: query)
            // negative TTL = min(SOA TTL 3600, MINIMUM 300) = 300; the SOA is served with it.
            let response = try Fixtures.empty(to: query, rcode: rcode, authority: [Fixtures.soa(ttl: 3600, minimum: 300)])
            cache.insert(key, response: response)
            let hit = try #require(cache.lookup(key, id: 9))
            #expect(try DNSResponse.parse(hit).rcode == rcode)
            #expect(try Fixtures.ttls(hit) == [300])
        }
        clock.advance(seconds: 299)
        #expect(cache.lookup(CacheKey(query: try Fixtures.query("nope.example.com")), id: 1) != nil)
        clock.advance(seconds: 1)
        #expect(cache.lookup(CacheKey(query: try Fixtures.query("nope.example.com")), id: 1) == nil)
        #expect(cache.lookup(CacheKey(query: try Fixtures.query("nodata.example.com")), id: 1) == nil)
    }

    @Test func uncacheableRepliesAreNotStored() throws {
        let cache = cache()
        let query = try Fixtures.query()
        let key = CacheKey(query: query)
        let replies: [(String, DNSResponse)] = [
            ("SERVFAIL", try Fixtures.empty(to: query, rcode: DNSRcode.servFail, authority: [Fixtures.soa()])),
            ("REFUSED", try Fixtures.empty(to: query, rcode: DNSRcode.refused)),
            ("NXDOMAIN without SOA", try Fixtures.empty(to: query, rcode: DNSRcode.nxDomain)),
            ("NODATA without SOA", try Fixtures.empty(to: query, rcode: DNSRcode.noError)),
            ("TC=1", try Fixtures.answer(to: query, truncated: true)),
            ("TTL 0", try Fixtures.answer(to: query, ttls: [0, 300])),
        ]
        for (what, response) in replies {
            cache.insert(key, response: response)
            #expect(cache.lookup(key, id: 1) == nil, "\(what) was cached")
        }
        #expect(cache.count == 0)
        #expect(cache.statistics.insertions == 0)
    }

    @Test func minAndMaxTTLClampLifetimeAndServedTTLs() throws {
        let query = try Fixtures.query()
        let key = CacheKey(query: query)

        let raised = cache(CacheSettings(minTTL: 60))
        raised.insert(key, response: try Fixtures.answer(to: query, ttls: [5]))
        #expect(try Fixtures.ttls(#require(raised.lookup(key, id: 1))) == [60])
        clock.advance(seconds: 59)
        #expect(try Fixtures.ttls(#require(raised.lookup(key, id: 1))) == [1])
        clock.advance(seconds: 1)
        #expect(raised.lookup(key, id: 1) == nil)

        let lowered = cache(CacheSettings(maxTTL: 100))
        lowered.insert(key, response: try Fixtures.answer(to: query, ttls: [100_000]))
        #expect(try Fixtures.ttls(#require(lowered.lookup(key, id: 1))) == [100])
        clock.advance(seconds: 100)
        #expect(lowered.lookup(key, id: 1) == nil)

        let negative = cache(CacheSettings(negativeMaxTTL: 10))
        negative.insert(key, response: try Fixtures.empty(to: query, rcode: DNSRcode.nxDomain, authority: [Fixtures.soa()]))
        #expect(try Fixtures.ttls(#require(negative.lookup(key, id: 1))) == [10])
        clock.advance(seconds: 10)
        #expect(negative.lookup(key, id: 1) == nil)
    }

    @Test func doCdAndEdnsVariantsDoNotMix() throws {
        let cache = cache()
        let variants = [
            try Fixtures.query(),
            try Fixtures.query(edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: false)),
            try Fixtures.query(edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: true)),
            try Fixtures.query(checkingDisabled: true),
        ]
        let keys = variants.map(CacheKey.init(query:))
        #expect(Set(keys).count == 4)
        cache.insert(keys[0], response: try Fixtures.answer(to: variants[0]))
        for key in keys.dropFirst() {
            #expect(cache.lookup(key, id: 1) == nil)
        }
        #expect(cache.lookup(keys[0], id: 1) != nil)
        // A different payload size is the same variant.
        let bigger = CacheKey(query: try Fixtures.query(edns: EDNSInfo(udpPayloadSize: 4096, dnssecOK: true)))
        #expect(bigger == keys[2])
    }

    @Test func lookupsIgnoreNameCaseButNotTypeOrName() throws {
        let cache = cache()
        let query = try Fixtures.query("www.example.com")
        cache.insert(CacheKey(query: query), response: try Fixtures.answer(to: query))
        #expect(cache.lookup(CacheKey(query: try Fixtures.query("WWW.Example.COM")), id: 1) != nil)
        #expect(cache.lookup(CacheKey(query: try Fixtures.query("www.example.com", type: DNSType.aaaa)), id: 1) == nil)
        #expect(cache.lookup(CacheKey(query: try Fixtures.query("ww.example.com")), id: 1) == nil)
    }

    @Test func staleIsServedOnlyWhenEnabledAndWithinStaleMaxAge() throws {
        let query = try Fixtures.query()
        let key = CacheKey(query: query)
        let response = try Fixtures.answer(to: query, ttls: [60, 600])

        let off = cache()
        off.insert(key, response: response)
        clock.advance(seconds: 61)
        #expect(off.lookupStale(key, id: 1) == nil)

        let on = cache(CacheSettings(serveStale: true, staleMaxAge: 3600))
        on.insert(key, response: response)
        #expect(on.lookupStale(key, id: 1) == nil)  // fresh entries are not stale
        clock.advance(seconds: 60)
        #expect(on.lookup(key, id: 1) == nil)
        let stale = try #require(on.lookupStale(key, id: 0x4242))
        #expect(Fixtures.id(stale) == 0x4242)
        #expect(try Fixtures.ttls(stale) == [30, 30])
        #expect(on.count == 1)  // kept for serve-stale
        clock.advance(seconds: 3600)
        #expect(on.lookupStale(key, id: 1) != nil)  // exactly staleMaxAge past expiry
        clock.advance(seconds: 1)
        #expect(on.lookupStale(key, id: 1) == nil)
        #expect(on.statistics.staleHits == 2)
    }

    @Test func removeAllEmptiesTheCache() throws {
        let cache = cache()
        let query = try Fixtures.query()
        cache.insert(CacheKey(query: query), response: try Fixtures.answer(to: query))
        cache.removeAll()
        #expect(cache.count == 0)
        #expect(cache.lookup(CacheKey(query: query), id: 1) == nil)
    }

    @Test func concurrentLookupsAndInsertsStayConsistent() throws {
        let cache = cache(CacheSettings(maxEntries: 20))
        let queries = try (0..<50).map { try Fixtures.query("host\($0).example.com") }
        let responses = try queries.map { try Fixtures.answer(to: $0, ttls: [300]) }
        let keys = queries.map(CacheKey.init(query:))
        let clock = self.clock
        let iterations = 8, operations = 2_000
        let wrongHits = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: iterations) { worker in
            for op in 0..<operations {
                let n = (op * 7 + worker * 13) % keys.count
                if op % 3 == 0 {
                    cache.insert(keys[n], response: responses[n])
                } else if let wire = cache.lookup(keys[n], id: UInt16(op)) {
                    // A hit must be the answer for that very question, with our ID.
                    if Fixtures.id(wire) != UInt16(op)
                        || Array(wire[12..<(12 + keys[n].question.name.count)]) != keys[n].question.name
                    {
                        wrongHits.add(1, ordering: .relaxed)
                    }
                }
                if op % 500 == 0 { clock.advance(milliseconds: 1) }
            }
        }
        let stats = cache.statistics
        #expect(cache.count <= 20)
        #expect(stats.hits + stats.misses == iterations * (operations - operations / 3 - 1))
        #expect(stats.insertions == iterations * (operations / 3 + 1))
        #expect(stats.hits > 0)
        #expect(stats.evictions + cache.count <= stats.insertions)
        #expect(stats.evictions > 0)
        #expect(wrongHits.load(ordering: .relaxed) == 0)
    }
}

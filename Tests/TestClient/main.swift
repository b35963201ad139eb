// Placeholder: the test client is being written (see Tests/TestClient).
print("pinhole-test-client")

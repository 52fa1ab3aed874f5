"""The campaign scale: a war of fleets on a theater of worlds (`warroom.theater`), the third
engine of the core (`engine`): fleets on routes (`fleets`), interception in transit
(`movement`), battles fought by the aggregate engine (`battle`), supply (`supply`), members'
will and councils (`alliance`), strategies as controllers (`strategies`), the compiled world
(`world`) and the results (`result`)."""
